import { ROBOT_PARAMS, relativeTopicCheck, robotCrossCheck } from '../params/common.js';
import type { ParamSchema } from '../params/schema.js';



/**
 * Every parameter of the swarm simulator node, declared once. Live parameters (drive, cmd_timeout, noise, drops,
 * delay, failures) take effect at the next physics tick; read-only ones shape the ROS graph (robots, topics) or the
 * run's determinism (rate, seed) and are set at start-up.
 */
export const SIMULATOR_SCHEMA: ParamSchema = [
  // The swarm and its topics (read-only: they decide what the node publishes and subscribes to).
  ...ROBOT_PARAMS,
  { name: 'scenario', type: 'string', default: '', readOnly: true, description: 'Scenario YAML whose initial layout (and domain walls) place the robots. Empty: robots on a line.' },
  { name: 'cmd_topic', type: 'string', default: 'cmd_vel', readOnly: true, description: "Velocity command topic relative to each robot's namespace.", check: relativeTopicCheck },
  { name: 'cmd_type', type: 'string', default: 'twist', choices: ['twist', 'twist_stamped'], readOnly: true, description: 'Message type of the commands: geometry_msgs/msg/Twist or TwistStamped.' },
  { name: 'pose_topic', type: 'string', default: 'odom', readOnly: true, description: "nav_msgs/msg/Odometry topic relative to each robot's namespace.", check: relativeTopicCheck },
  { name: 'also_pose_stamped', type: 'bool', default: false, readOnly: true, description: "Also publish geometry_msgs/msg/PoseStamped on each robot's pose topic (as motion capture and Crazyswarm2 do)." },
  { name: 'world_frame', type: 'string', default: 'map', readOnly: true, description: 'Frame of the published poses (header.frame_id); child frame <robot>/base_link.' },
  { name: 'publish_tf', type: 'bool', default: true, readOnly: true, description: 'Publish each published pose as a transform world_frame -> <robot>/base_link on /tf (one tf2_msgs/msg/TFMessage per physics tick), so that RViz shows the swarm at once.' },
  // Physics.
  { name: 'rate', type: 'double', default: 50.0, min: 1, max: 1000, unit: 'Hz', readOnly: true, description: 'Physics and publishing rate.' },
  { name: 'drive', type: 'string', default: 'holonomic', choices: ['holonomic', 'diff_drive'], readOnly: false, description: 'holonomic: body-frame linear.x, linear.y and angular.z; diff_drive: unicycle (linear.x, angular.z), linear.y ignored.' },
  { name: 'cmd_timeout', type: 'double', default: 0.5, min: 0.001, max: 60, unit: 's', readOnly: false, description: 'A robot whose last command is older than this stops, as robot-side watchdogs do.' },
  // Faults and noise.
  { name: 'pose_noise', type: 'double', default: 0.0, min: 0, max: 10, unit: 'm', readOnly: false, description: 'Standard deviation of the Gaussian noise on the published x and y (the true state is not affected).' },
  { name: 'yaw_noise', type: 'double', default: 0.0, min: 0, max: 3.14, unit: 'rad', readOnly: false, description: 'Standard deviation of the Gaussian noise on the published yaw.' },
  { name: 'drop_probability', type: 'double', default: 0.0, min: 0, max: 1, readOnly: false, description: "Probability that a robot's pose message(s) of one tick are dropped." },
  { name: 'pose_delay', type: 'double', default: 0.0, min: 0, max: 5, unit: 's', readOnly: false, description: 'Latency of the pose messages: each is published this long after it was measured (header stamp: the measurement time), at the first physics tick at or after that time.' },
  { name: 'pose_delay_jitter', type: 'double', default: 0.0, min: 0, max: 5, unit: 's', readOnly: false, description: "Extra latency of each pose message, uniform in [0, pose_delay_jitter). A robot's messages keep their order: one that would overtake an earlier one waits for it." },
  { name: 'failure_rate', type: 'double', default: 0.0, min: 0, max: 10, unit: '1/s', readOnly: false, description: 'Rate at which each live robot dies (probability 1 - exp(-failure_rate dt) per tick): a dead robot stops where it is, ignores commands and publishes no new pose for the rest of the run.' },
  { name: 'seed', type: 'integer', default: 0, min: 0, max: 4294967295, readOnly: true, description: 'Seed of the pose noise, the drops, the delay jitter and the failures (one stream each): the same seed gives the same run.' },
];

/** Checks that concern several simulator parameters together; returns the reason for a refusal. */
export const simulatorCrossCheck = robotCrossCheck;

/** The robot namespaces the parameters describe: robot_names, or robot_prefix + 0 .. robot_count-1. */
export { robotNames as robotNamesOf } from '../params/common.js';
