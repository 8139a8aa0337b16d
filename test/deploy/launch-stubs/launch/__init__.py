from recorder import Recorded


class LaunchDescription(Recorded):
    pass
