"""The blob coverage controller and, unless simulate:=false, the swarm simulator: one swarm in one namespace.

    ros2 launch blob_coverage swarm.launch.py robot_count:=10 use_rviz:=true       # installed (colcon workspace)
    ros2 launch ./launch/swarm.launch.py robot_count:=10 drive:=diff_drive         # from a checkout (npm run build)
    ros2 launch blob_coverage swarm.launch.py namespace:=swarm_a robot_count:=5    # a second swarm on the same graph
    ros2 launch blob_coverage swarm.launch.py simulate:=false params_file:=my_robots.yaml \\
        pose_type:=pose_stamped pose_topic:=pose world_frame:=mocap                # real robots
    ros2 launch blob_coverage swarm.launch.py --show-args                          # every argument, its choices

Parameters come from params_file (default: config/blob_coverage.yaml, one section per node, keyed by node name).
A parameter argument left empty keeps the file's value; a given one overrides it, as `-p NODE:NAME:=VALUE` after the
file. (rclnodejs lets a node-keyed value beat a `/**` one whatever their order, so overrides name the node.)

When this file is the installed package's (ros2 launch blob_coverage ...), the nodes are launch_ros Nodes running
the package's `controller` and `simulator` executables. From a checkout they are the checkout's bin/*.js, started
with ExecuteProcess and explicit `-r __node:= -r __ns:=` (push-ros-namespace does not reach them, so an enclosing
PushRosNamespace is read from the launch configuration and applied here). Parameters are passed as `--params-file`
and `-p` in ros_arguments, never as launch_ros `parameters=[{...}]`: launch_ros keys those by the full node name
(/ns/name), which rclnodejs ignores.
"""
import os

from ament_index_python.packages import PackageNotFoundError, get_package_share_directory
from launch import LaunchDescription
from launch.actions import DeclareLaunchArgument, ExecuteProcess, OpaqueFunction
from launch.substitutions import LaunchConfiguration
from launch_ros.actions import Node

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PACKAGE = 'blob_coverage'
CONTROLLER = 'blob_coverage_controller'
SIMULATOR = 'swarm_simulator'
RVIZ_CONFIG = os.path.join(ROOT, 'rviz', 'blob_coverage.rviz')
BOOLEAN = ['true', 'false']

# name, default, choices (None: free text), description. Every blob_coverage launch file declares these names with
# these choices; gz_swarm.launch.py changes some defaults. Empty: the value of params_file.
ARGUMENTS = [
    ('params_file', os.path.join(ROOT, 'config', 'blob_coverage.yaml'), None,
     'Parameter file with a section per node (blob_coverage_controller:, swarm_simulator:)'),
    ('namespace', '', None, 'Namespace of the whole swarm (nodes and robot topics), e.g. swarm_a; empty: none'),
    ('log_level', 'info', ['debug', 'info', 'warn', 'error', 'fatal'], 'Log level of the nodes'),
    ('use_rviz', 'false', BOOLEAN, 'Start rviz2 with rviz/blob_coverage.rviz (robots, commands, target density, TF)'),
    ('use_sim_time', 'false', BOOLEAN, 'Follow /clock (Gazebo)'),
    ('simulate', 'true', BOOLEAN, 'Start the simulated robots (false: real robots)'),
    ('controller', 'true', BOOLEAN, 'Start the coverage controller'),
    ('robot_count', '', None, 'Number of robots, named robot_prefix + 0 .. n-1; empty: params_file'),
    ('robot_prefix', '', None, 'Robot namespace prefix, e.g. tb3_; empty: params_file'),
    ('scenario', '', None, "Scenario YAML: the controller's target (target_file), the simulator's start layout; empty: params_file"),
    ('drive', '', ['', 'holonomic', 'diff_drive'], 'Robot kinematics; empty: params_file'),
    ('cmd_type', '', ['', 'twist', 'twist_stamped'], 'Command message type (Jazzy diff_drive_controller, TurtleBot3: twist_stamped); empty: params_file'),
    ('pose_topic', '', None, "Pose topic relative to each robot's namespace, e.g. odom, pose; empty: params_file"),
    ('pose_type', '', ['', 'odometry', 'pose_stamped', 'tf'], 'Pose message type: nav_msgs/Odometry or geometry_msgs/PoseStamped per robot (motion capture, crazyswarm2), or tf: one tf2_msgs/TFMessage for the swarm (hundreds of robots); empty: params_file'),
    ('world_frame', '', None, 'Common frame of the poses, markers and density grid (and the RViz fixed frame); empty: params_file'),
]


def declare(**defaults):
    """The launch arguments of ARGUMENTS, with `defaults` replacing some default values."""
    unknown = set(defaults) - {a[0] for a in ARGUMENTS}
    assert not unknown, f'no launch argument {unknown}'
    return [DeclareLaunchArgument(name, default_value=defaults.get(name, default), choices=choices, description=text)
            for name, default, choices, text in ARGUMENTS]


def _yaml_text(text):
    """A string as a YAML scalar that stays a string (`-p` values are YAML: 1, true or null would not)."""
    return "'" + text.replace("'", "''") + "'"


def _namespace(pushed, given):
    """The absolute namespace of a node given `namespace` under an enclosing push-ros-namespace, as launch_ros forms it."""
    if given.startswith('/'):
        return '/' + given.strip('/')
    parts = [p for p in (pushed.strip('/'), given.strip('/')) if p]
    return '/' + '/'.join(parts) if parts else ''


def _installed_here():
    """True when this file is the installed package's copy: then its ament executables are what runs."""
    try:
        share = get_package_share_directory(PACKAGE)
    except PackageNotFoundError:
        return False
    return os.path.realpath(os.path.join(share, 'launch')) == os.path.realpath(HERE)


def _overrides(arg, simulate):
    """The `-p` overrides of each node from the launch arguments given (empty ones are left to params_file)."""
    controller, simulator = [], []

    def both(name, value):
        controller.append((name, value))
        simulator.append((name, value))

    count = arg('robot_count')
    if count:
        if not count.isdigit() or int(count) < 1:
            raise RuntimeError(f"robot_count must be a whole number >= 1, got '{count}'")
        both('robot_count', str(int(count)))
    for name in ('robot_prefix', 'world_frame'):
        if arg(name):
            both(name, _yaml_text(arg(name)))
    for name in ('drive', 'cmd_type'):
        if arg(name):
            both(name, arg(name))
    scenario = arg('scenario')
    if scenario:
        path = os.path.abspath(scenario)
        if not os.path.isfile(path):
            raise RuntimeError(f'scenario: no such file {path}')
        controller.append(('target_file', _yaml_text(path)))
        simulator.append(('scenario', _yaml_text(path)))
    pose_topic, pose_type = arg('pose_topic'), arg('pose_type')
    if pose_type:
        controller.append(('pose_type', pose_type))
    if simulate and pose_type == 'pose_stamped':
        # The simulator publishes PoseStamped on <robot>/pose, next to its Odometry.
        if pose_topic not in ('', 'pose'):
            raise RuntimeError("pose_type:=pose_stamped with simulate:=true needs pose_topic:=pose (the simulator "
                               f"publishes PoseStamped on <robot>/pose), got '{pose_topic}'")
        simulator.append(('also_pose_stamped', 'true'))
        controller.append(('pose_topic', _yaml_text('pose')))
    elif pose_type == 'tf':
        # One TFMessage topic for the whole swarm, for the controller only: the simulator publishes /tf anyway.
        if simulate and pose_topic not in ('', '/tf'):
            raise RuntimeError("pose_type:=tf with simulate:=true needs pose_topic:=/tf (the simulator publishes the "
                               f"swarm's poses on /tf), got '{pose_topic}'")
        controller.append(('pose_topic', _yaml_text(pose_topic or '/tf')))
    elif pose_topic:
        both('pose_topic', _yaml_text(pose_topic))
    both('use_sim_time', arg('use_sim_time'))
    return controller, simulator


def _node(context, arg, executable, script, node_name, overrides):
    """One node: a launch_ros Node of the installed package, or the checkout's bin script started with ExecuteProcess."""
    params_file = os.path.abspath(arg('params_file'))
    if not os.path.isfile(params_file):
        raise RuntimeError(f'params_file: no such file {params_file}')
    ros_args = ['--params-file', params_file]
    for name, value in overrides:
        ros_args += ['-p', f'{node_name}:{name}:={value}']
    ros_args += ['--log-level', arg('log_level')]
    if _installed_here():
        return Node(package=PACKAGE, executable=executable, name=node_name, namespace=arg('namespace'),
                    ros_arguments=ros_args, output='screen', emulate_tty=True)
    pushed = LaunchConfiguration('ros_namespace', default='').perform(context)
    namespace = _namespace(pushed, arg('namespace'))
    remaps = ['-r', f'__node:={node_name}'] + (['-r', f'__ns:={namespace}'] if namespace else [])
    return ExecuteProcess(cmd=['node', os.path.join(ROOT, 'bin', script), '--ros-args'] + remaps + ros_args,
                          name=node_name, output='screen', emulate_tty=True)


def _rviz(arg):
    """rviz2 with the shipped configuration; the controller's topics remapped into the swarm's namespace."""
    namespace = _namespace('', arg('namespace'))
    remappings = [(f'/{CONTROLLER}/{t}', f'{namespace}/{CONTROLLER}/{t}')
                  for t in ('markers', 'target_density', 'target_density_updates')] if namespace else []
    frame = ['-f', arg('world_frame')] if arg('world_frame') else []
    return Node(package='rviz2', executable='rviz2', name='rviz2', arguments=['-d', RVIZ_CONFIG] + frame,
                remappings=remappings, parameters=[{'use_sim_time': arg('use_sim_time') == 'true'}], output='log')


def swarm_actions(context, with_simulator=True, controller_extra=()):
    """The processes of the launch arguments: simulator, controller, rviz2 (gz_swarm.launch.py calls it too)."""
    def arg(name):
        return LaunchConfiguration(name).perform(context)

    simulate = with_simulator and arg('simulate') == 'true'
    controller_overrides, simulator_overrides = _overrides(arg, simulate)
    actions = []
    if simulate:
        actions.append(_node(context, arg, 'simulator', 'blob-coverage-simulator.js', SIMULATOR, simulator_overrides))
    if arg('controller') == 'true':
        actions.append(_node(context, arg, 'controller', 'blob-coverage-controller.js', CONTROLLER,
                             controller_overrides + list(controller_extra)))
    if arg('use_rviz') == 'true':
        actions.append(_rviz(arg))
    return actions


def generate_launch_description():
    return LaunchDescription(declare() + [OpaqueFunction(function=swarm_actions)])
