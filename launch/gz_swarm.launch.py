"""N differential-drive robots in gz sim Harmonic (ROS 2 Jazzy), driven by the blob coverage controller.

    ros2 launch ./launch/gz_swarm.launch.py robot_count:=10            # source tree, after npm ci && npm run build
    ros2 launch blob_coverage gz_swarm.launch.py robot_count:=10       # colcon workspace (package.xml)

Starts gz sim headless on gz/worlds/swarm.sdf, spawns prefix0 .. prefix{n-1} (gz/models/blob_diff_drive) at the
scenario's initial layout (`blob-coverage spawn-poses`: the swarm simulator's layout, robots pushed apart to
min_separation), bridges /clock and each robot's cmd_vel and odometry (`blob-coverage gz-bridge`), and starts the
controller with use_sim_time in the frame `world`.

Poses: each robot's OdometryPublisher system publishes its world pose, bridged to /<robot>/odom, so every robot
reports in one frame from its first message on. DiffDrive's own odometry starts at zero at each spawn point and
drifts with wheel slip; a per-robot spawn offset would fix the first but not the second (see the model's comment).

gazebo:=false starts only the controller, controller:=false only the simulation (one container each: docker/).
"""
import json
import os
import subprocess
import tempfile

from ament_index_python.packages import get_package_share_directory
from launch import LaunchDescription
from launch.actions import DeclareLaunchArgument, ExecuteProcess, IncludeLaunchDescription, OpaqueFunction
from launch.launch_description_sources import PythonLaunchDescriptionSource
from launch.substitutions import LaunchConfiguration
from launch_ros.actions import Node

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
CLI = os.path.join(ROOT, 'bin', 'blob-coverage.js')
CONTROLLER = os.path.join(ROOT, 'bin', 'blob-coverage-controller.js')
WORLD = os.path.join(ROOT, 'gz', 'worlds', 'swarm.sdf')
WORLD_NAME = 'swarm'
MODEL = os.path.join(ROOT, 'gz', 'models', 'blob_diff_drive', 'model.sdf')


def _blob_coverage(*commands):
    """Runs blob-coverage commands side by side (each loads the CLI, about a second): their stdouts, in order."""
    procs = [subprocess.Popen(['node', CLI, *c], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for c in commands]
    outs = [p.communicate() for p in procs]
    for c, p, (_, err) in zip(commands, procs, outs):
        if p.returncode != 0:
            raise RuntimeError(f'blob-coverage {c[0]} failed: {err.strip()}')
    return [out for out, _ in outs]


def _true(text):
    return text.strip().lower() in ('true', '1')


def _gazebo(count, prefix, scenario, separation):
    config = os.path.join(tempfile.mkdtemp(prefix='blob_coverage_gz_'), 'bridge.yaml')
    _, poses = _blob_coverage(
        ['gz-bridge', '--robots', str(count), '--prefix', prefix, '--out', config],
        ['spawn-poses', '--scenario', scenario, '--robots', str(count), '--prefix', prefix, '--min-separation', separation],
    )
    gz_sim = IncludeLaunchDescription(
        PythonLaunchDescriptionSource(os.path.join(get_package_share_directory('ros_gz_sim'), 'launch', 'gz_sim.launch.py')),
        launch_arguments={'gz_args': f'-s -r -v 2 {WORLD}', 'on_exit_shutdown': 'true'}.items(),
    )
    bridge = Node(package='ros_gz_bridge', executable='parameter_bridge', name='blob_coverage_gz_bridge', output='screen',
                  parameters=[{'config_file': config, 'use_sim_time': True}])
    spawners = [
        Node(package='ros_gz_sim', executable='create', name=f'spawn_{p["name"]}', output='screen',
             arguments=['-world', WORLD_NAME, '-file', MODEL, '-name', p['name'],
                        '-x', str(p['x']), '-y', str(p['y']), '-z', '0.01', '-Y', str(p['yaw'])])
        for p in json.loads(poses)
    ]
    return [gz_sim, bridge] + spawners


def _controller(count, prefix, scenario):
    return ExecuteProcess(
        cmd=['node', CONTROLLER, '--ros-args', '-r', '__node:=blob_coverage_controller',
             '--params-file', os.path.join(ROOT, 'config', 'controller.yaml'),
             '-p', f'robot_count:={count}', '-p', f'robot_prefix:={prefix}', '-p', f'target_file:={scenario}',
             '-p', 'drive:=diff_drive', '-p', 'world_frame:=world', '-p', 'use_sim_time:=true',
             # The model's footprint (0.12 m x 0.10 m chassis and its wheels) fits in a 0.08 m circle.
             '-p', 'robot_radius:=0.08'],
        output='screen',
    )


def _swarm(context):
    def arg(name):
        return LaunchConfiguration(name).perform(context)

    count = int(arg('robot_count'))
    prefix = arg('prefix')
    scenario = os.path.abspath(arg('scenario'))
    actions = []
    if _true(arg('gazebo')):
        actions += _gazebo(count, prefix, scenario, arg('min_separation'))
    if _true(arg('controller')):
        actions.append(_controller(count, prefix, scenario))
    return actions


def generate_launch_description():
    return LaunchDescription([
        DeclareLaunchArgument('robot_count', default_value='10', description='Number of robots'),
        DeclareLaunchArgument('prefix', default_value='robot_', description='Robot (and gz model) name prefix'),
        DeclareLaunchArgument('scenario', default_value=os.path.join(ROOT, 'scenarios', 'demo.yaml'),
                              description='Scenario YAML: target and initial layout'),
        DeclareLaunchArgument('min_separation', default_value='0.25',
                              description='Smallest distance between spawn points, m (the controller keeps 2 x 0.08 + 0.05 m)'),
        DeclareLaunchArgument('gazebo', default_value='true', description='Start gz sim, the bridge and the robots'),
        DeclareLaunchArgument('controller', default_value='true', description='Start the coverage controller'),
        OpaqueFunction(function=_swarm),
    ])
