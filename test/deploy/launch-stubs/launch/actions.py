from recorder import Recorded


class DeclareLaunchArgument(Recorded):
    def __init__(self, *args, **kwargs):
        # As launch does: a default outside the choices is refused when the action is made.
        choices, default = kwargs.get('choices'), kwargs.get('default_value')
        if choices is not None and (len(choices) == 0 or (default is not None and default not in choices)):
            raise ValueError(f'Provided default_value "{default}" is not in provided choices "{choices}".')
        super().__init__(*args, **kwargs)


class ExecuteProcess(Recorded):
    pass


class IncludeLaunchDescription(Recorded):
    pass


class OpaqueFunction(Recorded):
    pass
