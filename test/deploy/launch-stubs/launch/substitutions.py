from recorder import LaunchConfiguration  # noqa: F401
