from recorder import Recorded


class DeclareLaunchArgument(Recorded):
    pass


class ExecuteProcess(Recorded):
    pass


class IncludeLaunchDescription(Recorded):
    pass


class OpaqueFunction(Recorded):
    pass
