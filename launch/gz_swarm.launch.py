"""N differential-drive robots in gz sim Harmonic (ROS 2 Jazzy), driven by the blob coverage controller.

    ros2 launch blob_coverage gz_swarm.launch.py robot_count:=10 use_rviz:=true   # colcon workspace (package.xml)
    ros2 launch ./launch/gz_swarm.launch.py robot_count:=10                       # checkout, after npm run build

The arguments are swarm.launch.py's (same names and choices; here robot_count, robot_prefix, drive, world_frame and
use_sim_time have values, since Gazebo needs them), plus min_separation. simulate:=true starts gz sim headless on
gz/worlds/swarm.sdf, spawns robot_prefix0 .. (gz/models/blob_diff_drive) at the scenario's initial layout
(`blob-coverage spawn-poses`: the swarm simulator's layout, robots pushed apart to min_separation) and bridges /clock
and each robot's cmd_vel and odometry (`blob-coverage gz-bridge`; the bridge node runs in `namespace`, so the robot
topics follow it). controller:=true starts the controller as swarm.launch.py does (installed executable or
checkout), with use_sim_time, in the frame `world`, with the model's footprint (robot_radius 0.08 m).
simulate:=false starts only the controller, controller:=false only the simulation (one container each: docker/).

Poses: each robot's OdometryPublisher system publishes its world pose, bridged to <robot>/odom, so every robot
reports in one frame from its first message on. DiffDrive's own odometry starts at zero at each spawn point and
drifts with wheel slip; a per-robot spawn offset would fix the first but not the second (see the model's comment).
"""
import importlib.util
import json
import os
import subprocess
import tempfile

from ament_index_python.packages import get_package_share_directory
from launch import LaunchDescription
from launch.actions import DeclareLaunchArgument, IncludeLaunchDescription, OpaqueFunction
from launch.launch_description_sources import PythonLaunchDescriptionSource
from launch.substitutions import LaunchConfiguration
from launch_ros.actions import Node

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
CLI = os.path.join(ROOT, 'bin', 'blob-coverage.js')
WORLD = os.path.join(ROOT, 'gz', 'worlds', 'swarm.sdf')
WORLD_NAME = 'swarm'
MODEL = os.path.join(ROOT, 'gz', 'models', 'blob_diff_drive', 'model.sdf')
# The model's footprint (0.12 m x 0.10 m chassis and its wheels) fits in a 0.08 m circle.
ROBOT_RADIUS = '0.08'


def _swarm_module():
    """swarm.launch.py next to this file: its arguments and its node actions."""
    spec = importlib.util.spec_from_file_location('blob_coverage_swarm_launch', os.path.join(HERE, 'swarm.launch.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SWARM = _swarm_module()


def _blob_coverage(*commands):
    """Runs blob-coverage commands side by side (each loads the CLI, about a second): their stdouts, in order."""
    procs = [subprocess.Popen(['node', CLI, *c], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for c in commands]
    outs = [p.communicate() for p in procs]
    for c, p, (_, err) in zip(commands, procs, outs):
        if p.returncode != 0:
            raise RuntimeError(f'blob-coverage {c[0]} failed: {err.strip()}')
    return [out for out, _ in outs]


def _gazebo(arg, count, prefix, scenario):
    config = os.path.join(tempfile.mkdtemp(prefix='blob_coverage_gz_'), 'bridge.yaml')
    bridge_args = ['gz-bridge', '--robots', str(count), '--prefix', prefix, '--out', config]
    if arg('pose_topic'):
        bridge_args += ['--pose-topic', arg('pose_topic')]
    _, poses = _blob_coverage(
        bridge_args,
        ['spawn-poses', '--scenario', scenario, '--robots', str(count), '--prefix', prefix, '--min-separation', arg('min_separation')],
    )
    gz_sim = IncludeLaunchDescription(
        PythonLaunchDescriptionSource(os.path.join(get_package_share_directory('ros_gz_sim'), 'launch', 'gz_sim.launch.py')),
        launch_arguments={'gz_args': f'-s -r -v 2 {WORLD}', 'on_exit_shutdown': 'true'}.items(),
    )
    bridge = Node(package='ros_gz_bridge', executable='parameter_bridge', name='blob_coverage_gz_bridge',
                  namespace=arg('namespace'), output='screen', parameters=[{'config_file': config, 'use_sim_time': True}])
    spawners = [
        Node(package='ros_gz_sim', executable='create', name=f'spawn_{p["name"]}', output='screen',
             arguments=['-world', WORLD_NAME, '-file', MODEL, '-name', p['name'],
                        '-x', str(p['x']), '-y', str(p['y']), '-z', '0.01', '-Y', str(p['yaw'])])
        for p in json.loads(poses)
    ]
    return [gz_sim, bridge] + spawners


def _swarm(context):
    def arg(name):
        return LaunchConfiguration(name).perform(context)

    # The bridge carries Twist and Odometry; the robots are differential drive.
    for name, allowed in (('cmd_type', ('', 'twist')), ('pose_type', ('', 'odometry')), ('drive', ('diff_drive',))):
        if arg(name) not in allowed:
            raise RuntimeError(f"gz_swarm.launch.py: {name}:={arg(name)} does not fit the Gazebo robots (allowed: {', '.join(a or 'empty' for a in allowed)})")
    count = arg('robot_count')
    if not count.isdigit() or int(count) < 1:
        raise RuntimeError(f"robot_count must be a whole number >= 1, got '{count}'")
    prefix = arg('robot_prefix')
    scenario = os.path.abspath(arg('scenario')) if arg('scenario') else os.path.join(ROOT, 'scenarios', 'demo.yaml')
    actions = []
    if arg('simulate') == 'true':
        actions += _gazebo(arg, int(count), prefix, scenario)
    # The controller and rviz2 as swarm.launch.py starts them, without its simulator.
    actions += SWARM.swarm_actions(context, with_simulator=False, controller_extra=[('robot_radius', ROBOT_RADIUS)])
    return actions


def generate_launch_description():
    arguments = SWARM.declare(robot_count='10', robot_prefix='robot_', drive='diff_drive', world_frame='world',
                              use_sim_time='true', scenario=os.path.join(ROOT, 'scenarios', 'demo.yaml'))
    return LaunchDescription(arguments + [
        DeclareLaunchArgument('min_separation', default_value='0.25',
                              description='Smallest distance between spawn points, m (the controller keeps 2 x 0.08 + 0.05 m)'),
        OpaqueFunction(function=_swarm),
    ])
