from recorder import Recorded


class IfCondition(Recorded):
    pass
