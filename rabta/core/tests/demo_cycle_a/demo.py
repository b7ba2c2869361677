DEMO_AFTER = ("demo_cycle_b",)


def demo_load(**kwargs):
    return ""
