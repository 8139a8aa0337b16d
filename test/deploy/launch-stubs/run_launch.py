"""python3 run_launch.py LAUNCH_FILE [name:=value ...]: {"arguments": ..., "actions": [...]} of the launch file, as JSON.

The declared arguments' defaults, overridden by name:=value, are the launch configuration; OpaqueFunctions are
called with it. Each action: {"type": class name, "args": [...], "kwargs": {...}}.
"""
import importlib.util
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from launch.actions import DeclareLaunchArgument, OpaqueFunction  # noqa: E402
from recorder import Recorded  # noqa: E402


def jsonable(v):
    if isinstance(v, Recorded):
        return {'type': type(v).__name__, 'args': jsonable(v.args), 'kwargs': jsonable(v.kwargs)}
    if isinstance(v, dict):
        return {k: jsonable(x) for k, x in v.items()}
    if isinstance(v, (list, tuple, type({}.items()))):
        return [jsonable(x) for x in v]
    if callable(v):
        return v.__name__
    return v


spec = importlib.util.spec_from_file_location('launch_file', sys.argv[1])
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
entities = module.generate_launch_description().args[0]
context = {e.args[0]: e.kwargs['default_value'] for e in entities if isinstance(e, DeclareLaunchArgument)}
for override in sys.argv[2:]:
    name, value = override.split(':=', 1)
    if name not in context:
        sys.exit(f'unknown launch argument {name}')
    context[name] = value
actions = []
for e in entities:
    if isinstance(e, OpaqueFunction):
        actions += e.kwargs['function'](context)
    elif not isinstance(e, DeclareLaunchArgument):
        actions.append(e)
print(json.dumps({'arguments': context, 'actions': jsonable(actions)}))
