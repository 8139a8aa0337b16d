"""N namespaced robots driven by the blob coverage controller (Launch XML has no loops: this file makes the list).

    ros2 launch ./launch/swarm.launch.py robot_count:=20 prefix:=tb3_ drive:=diff_drive cmd_type:=twist_stamped

Starts the controller with robot_names = [prefix0 .. prefix{n-1}] and, unless simulate:=false, the swarm simulator
with the same names. Non-ament executables are started with ExecuteProcess and explicit --ros-args remaps
(push-ros-namespace does not apply to them).
"""
import os

from launch import LaunchDescription
from launch.actions import DeclareLaunchArgument, ExecuteProcess, OpaqueFunction
from launch.conditions import IfCondition
from launch.substitutions import LaunchConfiguration

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def _nodes(context):
    count = int(LaunchConfiguration('robot_count').perform(context))
    prefix = LaunchConfiguration('prefix').perform(context)
    names = '[' + ','.join(f'{prefix}{i}' for i in range(count)) + ']'
    drive = LaunchConfiguration('drive').perform(context)
    cmd_type = LaunchConfiguration('cmd_type').perform(context)
    scenario = LaunchConfiguration('scenario').perform(context)
    sim_time = LaunchConfiguration('use_sim_time').perform(context)
    common = ['-p', f'robot_names:={names}', '-p', f'drive:={drive}', '-p', f'cmd_type:={cmd_type}', '-p', f'use_sim_time:={sim_time}']
    simulator = ExecuteProcess(
        cmd=['node', os.path.join(ROOT, 'bin', 'blob-coverage-simulator.js'), '--ros-args', '-r', '__node:=swarm_simulator',
             '--params-file', os.path.join(ROOT, 'config', 'simulator.yaml'), '-p', f'scenario:={scenario}'] + common,
        output='screen',
        condition=IfCondition(LaunchConfiguration('simulate')),
    )
    controller = ExecuteProcess(
        cmd=['node', os.path.join(ROOT, 'bin', 'blob-coverage-controller.js'), '--ros-args', '-r', '__node:=blob_coverage_controller',
             '--params-file', os.path.join(ROOT, 'config', 'controller.yaml'), '-p', f'target_file:={scenario}'] + common,
        output='screen',
    )
    return [simulator, controller]


def generate_launch_description():
    return LaunchDescription([
        DeclareLaunchArgument('robot_count', default_value='10', description='Number of robots'),
        DeclareLaunchArgument('prefix', default_value='robot_', description='Robot namespace prefix'),
        DeclareLaunchArgument('drive', default_value='holonomic', description='holonomic or diff_drive'),
        DeclareLaunchArgument('cmd_type', default_value='twist', description='twist or twist_stamped'),
        DeclareLaunchArgument('scenario', default_value=os.path.join(ROOT, 'scenarios', 'demo.yaml'), description='Scenario YAML'),
        DeclareLaunchArgument('use_sim_time', default_value='false', description='Follow /clock'),
        DeclareLaunchArgument('simulate', default_value='true', description='Start the swarm simulator'),
        OpaqueFunction(function=_nodes),
    ])
