"""python3 run_launch.py [--ros-namespace=NS] LAUNCH_FILE [name:=value ...]: what the launch file starts, as JSON.

Prints {"arguments": {...}, "declared": [...], "actions": [...]}. The declared arguments' defaults, overridden by
name:=value, are the launch configuration; an unknown name or a value outside an argument's choices is refused, as
launch refuses it. OpaqueFunctions are called with it. Includes of the project's own launch files (same folder) are
expanded with the arguments they pass. Each action: {"type": class name, "args": [...], "kwargs": {...}}.
--ros-namespace stands for an enclosing push-ros-namespace (the `ros_namespace` launch configuration).

Python launch files run against the stand-ins in this folder. XML launch files are read by a small interpreter of the
subset the project uses (<arg> with <choice>, <include> with <arg>, $(dirname) and $(var)); anything else is refused.
"""
import importlib.util
import json
import os
import re
import sys
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from launch.actions import DeclareLaunchArgument, IncludeLaunchDescription, OpaqueFunction  # noqa: E402
from recorder import Recorded  # noqa: E402


class LaunchError(Exception):
    pass


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


def configure(file, declared, overrides, pushed):
    """The launch configuration: declared defaults, then the overrides, each checked as launch checks it."""
    context = {d['name']: d['default'] for d in declared}
    for name, value in overrides.items():
        if name not in context:
            raise LaunchError(f'{os.path.basename(file)}: unknown launch argument {name}')
        context[name] = value
    for d in declared:
        if d['choices'] is not None and context[d['name']] not in d['choices']:
            # launch 3.4's words (declare_launch_argument.py).
            raise LaunchError(f'Argument "{d["name"]}" provided value "{context[d["name"]]}" is not valid. Valid options are: {d["choices"]}')
    if pushed:
        context['ros_namespace'] = pushed
    return context


def run_python(file, overrides, pushed):
    spec = importlib.util.spec_from_file_location(f'launch_file_{abs(hash(file))}', file)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    entities = module.generate_launch_description().args[0]
    declared = [{'name': e.args[0], 'default': e.kwargs['default_value'], 'choices': e.kwargs.get('choices'),
                 'description': e.kwargs.get('description')} for e in entities if isinstance(e, DeclareLaunchArgument)]
    context = configure(file, declared, overrides, pushed)
    actions = []
    for e in entities:
        if isinstance(e, OpaqueFunction):
            actions += e.kwargs['function'](context)
        elif not isinstance(e, DeclareLaunchArgument):
            actions.append(e)
    expanded = []
    for a in actions:
        source = a.args[0].args[0] if isinstance(a, IncludeLaunchDescription) else None
        if isinstance(source, str) and os.path.dirname(os.path.abspath(source)) == os.path.dirname(os.path.abspath(file)):
            expanded += run(source, dict(a.kwargs.get('launch_arguments', [])), pushed)['actions']
        else:
            expanded.append(a)
    return {'arguments': context, 'declared': declared, 'actions': expanded}


def substitute(text, file, context):
    def one(m):
        kind, rest = m.group(1), (m.group(2) or '').strip()
        if kind == 'dirname' and not rest:
            return os.path.dirname(os.path.abspath(file))
        if kind == 'var' and rest in context:
            return context[rest]
        raise LaunchError(f'{os.path.basename(file)}: substitution $({m.group(0)[2:-1]}) is not supported by the stand-in')
    return re.sub(r'\$\((\w[\w-]*)(?: ([^)]*))?\)', one, text or '')


def run_xml(file, overrides, pushed):
    root = ET.parse(file).getroot()
    if root.tag != 'launch':
        raise LaunchError(f'{file}: root <{root.tag}>, not <launch>')
    declared = []
    for e in root:
        if e.tag == 'arg':
            choices = [c.get('value') for c in e.findall('choice')] or None
            default = substitute(e.get('default'), file, {}) if e.get('default') is not None else None
            if choices is not None and default not in choices:
                raise LaunchError(f'Provided default_value "{default}" is not in provided choices "{choices}".')
            declared.append({'name': e.get('name'), 'default': default, 'choices': choices, 'description': e.get('description')})
    context = configure(file, declared, overrides, pushed)
    actions = []
    for e in root:
        if e.tag == 'arg':
            continue
        if e.tag != 'include':
            raise LaunchError(f'{os.path.basename(file)}: <{e.tag}> is not supported by the stand-in')
        included = substitute(e.get('file'), file, context)
        passed = {a.get('name'): substitute(a.get('value'), file, context) for a in e.findall('arg')}
        actions += run(included, passed, pushed)['actions']
    return {'arguments': context, 'declared': declared, 'actions': actions}


def run(file, overrides, pushed=''):
    return (run_xml if file.endswith('.xml') else run_python)(file, overrides, pushed)


if __name__ == '__main__':
    argv = sys.argv[1:]
    pushed = ''
    if argv and argv[0].startswith('--ros-namespace='):
        pushed = argv.pop(0).split('=', 1)[1]
    overrides = dict(o.split(':=', 1) for o in argv[1:])
    try:
        result = run(argv[0], overrides, pushed)
    except (LaunchError, RuntimeError) as e:
        sys.exit(str(e))
    print(json.dumps(jsonable(result)))
