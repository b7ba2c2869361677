BEAT_SCHEDULE = {"escalation-sweep": {"task": "rabta.core.tests.duplicate_beat.tasks.other_sweep", "schedule": 60}}
