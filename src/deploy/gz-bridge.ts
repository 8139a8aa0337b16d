/**
 * The ros_gz_bridge configuration of a Gazebo (gz sim Harmonic) swarm: /clock once, then each robot's velocity
 * commands (ROS -> gz, the DiffDrive system's `/model/<robot>/cmd_vel`) and world poses (gz -> ROS, the
 * OdometryPublisher system's `/model/<robot>/odometry`) on the topics the controller uses (`<robot>/cmd_vel`,
 * `<robot>/odom`). The ROS names are relative, so a bridge node in a namespace serves a swarm in that namespace;
 * /clock stays absolute. Pure: no I/O.
 */
import { stringify } from 'yaml';

/** Which way a bridge entry carries messages (ros_gz_bridge's names). */
export type BridgeDirection = 'GZ_TO_ROS' | 'ROS_TO_GZ' | 'BIDIRECTIONAL';

/** One entry of a ros_gz_bridge YAML configuration file. */
export interface BridgeEntry {
  readonly ros_topic_name: string;
  readonly gz_topic_name: string;
  readonly ros_type_name: string;
  readonly gz_type_name: string;
  readonly direction: BridgeDirection;
}

/** ROS-side topics of each robot, relative to its namespace (the controller's `cmd_topic` and `pose_topic`). */
export interface RobotTopics {
  readonly cmdTopic: string;
  readonly poseTopic: string;
}

/** The controller's defaults. */
export const DEFAULT_ROBOT_TOPICS: RobotTopics = { cmdTopic: 'cmd_vel', poseTopic: 'odom' };

/** The simulation clock, for use_sim_time. */
export const CLOCK_ENTRY: BridgeEntry = {
  ros_topic_name: '/clock',
  gz_topic_name: '/clock',
  ros_type_name: 'rosgraph_msgs/msg/Clock',
  gz_type_name: 'gz.msgs.Clock',
  direction: 'GZ_TO_ROS',
};

/** The bridge entries of a swarm: /clock, then per robot (in order) its command and its pose. */
export function gzBridgeEntries(names: readonly string[], topics: RobotTopics = DEFAULT_ROBOT_TOPICS): BridgeEntry[] {
  const entries: BridgeEntry[] = [CLOCK_ENTRY];
  for (const name of names) {
    entries.push(
      {
        ros_topic_name: `${name}/${topics.cmdTopic}`,
        gz_topic_name: `/model/${name}/cmd_vel`,
        ros_type_name: 'geometry_msgs/msg/Twist',
        gz_type_name: 'gz.msgs.Twist',
        direction: 'ROS_TO_GZ',
      },
      {
        ros_topic_name: `${name}/${topics.poseTopic}`,
        gz_topic_name: `/model/${name}/odometry`,
        ros_type_name: 'nav_msgs/msg/Odometry',
        gz_type_name: 'gz.msgs.Odometry',
        direction: 'GZ_TO_ROS',
      },
    );
  }
  return entries;
}

/** The YAML file ros_gz_bridge's parameter_bridge reads (`-p config_file:=FILE`): the swarm's entries as a list. */
export function gzBridgeYaml(names: readonly string[], topics: RobotTopics = DEFAULT_ROBOT_TOPICS): string {
  const robots = `${names.length} robot${names.length === 1 ? '' : 's'}`;
  const head = `# ros_gz_bridge configuration: /clock and ${robots} (written by blob-coverage gz-bridge).\n`;
  return head + stringify(gzBridgeEntries(names, topics), { lineWidth: 0 });
}
