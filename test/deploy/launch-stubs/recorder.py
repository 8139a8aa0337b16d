"""Stand-ins for the parts of launch, launch_ros and ament_index_python that the project's Python launch files use.

Each action records its arguments; LaunchConfiguration.perform reads a dict of launch configurations. run_launch.py
evaluates a launch file with them (no ROS needed) and prints the actions it would start, as JSON.
"""


class Recorded:
    def __init__(self, *args, **kwargs):
        self.args = args
        self.kwargs = kwargs


class LaunchConfiguration(Recorded):
    def perform(self, context):
        if 'default' in self.kwargs:
            return context.get(self.args[0], self.kwargs['default'])
        return context[self.args[0]]
