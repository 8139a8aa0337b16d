from recorder import Recorded


class PythonLaunchDescriptionSource(Recorded):
    pass
