DEMO_AFTER = ("demo_cycle_a",)


def demo_load(**kwargs):
    return ""
