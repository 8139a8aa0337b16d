from recorder import Recorded


class Node(Recorded):
    pass
