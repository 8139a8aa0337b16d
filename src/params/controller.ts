import { quote } from '../io/quote.js';
import { DEFAULT_LANGEVIN_DIFFUSIVITY } from '../engine/laws/langevin.js';
import { DEFAULT_LLOYD_GAIN } from '../engine/laws/lloyd.js';
import { COVERAGE_ALGORITHMS, DEFAULT_LANGEVIN_SEED } from '../scenario/scenario.js';
import { ROBOT_PARAMS, relativeTopicCheck, robotCrossCheck, robotNames, topicCheck } from './common.js';
import type { ParamSchema, ParamValues } from './schema.js';


/** A tf2 frame id: letters, digits, '_', '-', '.', '/' (a leading '/' is tolerated, as tf2 strips it). */
const FRAME = /^\/?[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/;

/** Longest `target_file` path (Linux's PATH_MAX). */
const MAX_PATH = 4096;
/** Longest inline `target` YAML, characters. */
const MAX_INLINE_TARGET = 65536;

/**
 * Every parameter of the coverage controller, declared once. Live parameters take effect at the next control tick;
 * read-only ones shape the ROS graph (topics, robots) and are set at start-up.
 */
export const CONTROLLER_SCHEMA: ParamSchema = [
  // The swarm and its topics (read-only: they decide what the node subscribes to).
  ...ROBOT_PARAMS,
  { name: 'pose_topic', type: 'string', default: 'odom', readOnly: true, description: "Pose topic relative to each robot's namespace; with pose_type tf, the one topic of the whole swarm (relative to the node's namespace unless absolute, e.g. /tf).", check: topicCheck },
  { name: 'pose_type', type: 'string', default: 'odometry', choices: ['odometry', 'pose_stamped', 'tf'], readOnly: true, description: "Message type of the pose topic: nav_msgs/msg/Odometry or geometry_msgs/msg/PoseStamped per robot (motion capture, Crazyswarm2), or tf: one tf2_msgs/msg/TFMessage topic for the whole swarm whose transforms world_frame -> <robot>/base_link or <robot> (either under the node's namespace too) give the poses, other transforms ignored (the simulator's /tf, a motion-capture or Gazebo pose bridge): one message a tick instead of one per robot, which is what lets one instance on a real graph take hundreds of robots' poses. pose_offsets do not apply to it." },
  { name: 'cmd_topic', type: 'string', default: 'cmd_vel', readOnly: true, description: "Velocity command topic relative to each robot's namespace.", check: relativeTopicCheck },
  { name: 'cmd_type', type: 'string', default: 'twist', choices: ['twist', 'twist_stamped'], readOnly: true, description: 'Message type of the commands: geometry_msgs/msg/Twist or TwistStamped (Jazzy diff_drive_controller, TurtleBot3 Jazzy Gazebo).' },
  { name: 'estop_topic', type: 'string', default: 'emergency_stop', readOnly: true, description: "std_msgs/msg/Bool topic (relative to the node's namespace unless absolute): true stops every robot until false is received. Any publisher works, `ros2 topic pub --once` included; the ~/emergency_stop service (std_srvs/srv/SetBool) does the same.", check: topicCheck },
  { name: 'world_frame', type: 'string', default: 'map', readOnly: true, description: "Common world frame of the poses, the markers and the density grid. A pose whose header.frame_id differs is refused and its robot held at zero (unless pose_offsets is set).", check: (v: string) => (FRAME.test(v) ? undefined : `is not a valid frame id: '${v}'`) },
  { name: 'pose_offsets', type: 'double_array', default: [], readOnly: true, unit: 'm, m, rad', description: "Per robot, x y yaw of the origin of its odometry frame in world_frame (3 numbers a robot, in robot order), for robots whose odometry starts at zero at known spawn poses. Empty: poses are already in world_frame." },
  { name: 'owned_robots', type: 'string_array', default: [], readOnly: true, description: "The robots this instance commands (names from robot_names or robot_prefix + index); empty: all. Several instances with disjoint lists command one swarm together (one per machine, or one per robot onboard): each takes every robot's pose (its own robots' from their pose topics, the others' from the other instances' swarm_poses_topic or their pose topics: pose_exchange), publishes only its own robots' commands, and keeps its half of every barrier with a robot another instance commands, seen at its reported pose grown by max_linear_speed x its age." },
  { name: 'pose_exchange', type: 'string', default: 'auto', choices: ['auto', 'on', 'off', 'regional'], readOnly: true, description: "Where an instance takes the poses of the robots other instances command. on: from the other instances' swarm_poses_topic (one tf2_msgs/msg/TFMessage per instance per control period, one transform world_frame -> <robot>/base_link per robot it commands, stamped with that pose's own time), so an instance subscribes to its own robots' pose topics only; regional: as on, and the multiscale flow's coarse scales take the other instances' robots from their deposits on swarm_density_topic instead of their poses; off: from every robot's own pose topic (N subscriptions); auto: on when owned_robots is set, off for a single instance. Exchanged poses and deposits are up to one control period older: the safety filter grows a foreign robot's disc with that age." },
  { name: 'swarm_poses_topic', type: 'string', default: 'swarm_poses', readOnly: true, description: "tf2_msgs/msg/TFMessage topic (relative to the node's namespace unless absolute) on which every instance with owned_robots publishes the last pose of each robot it commands, once per control period, and which pose_exchange on reads.", check: topicCheck },
  { name: 'swarm_density_topic', type: 'string', default: 'swarm_density', readOnly: true, description: "std_msgs/msg/Float32MultiArray topic (relative to the node's namespace unless absolute) on which every instance with owned_robots and pose_exchange regional publishes, once per control period, its own robots' deposit on each coarse scale of the multiscale flow (the window of grid nodes they touch; the layout's labels name the sender, its robots, the time, each scale's width, grid shape, box and target), and from which it adds the others'. A grid of another width, shape, box or target is refused with a WARN; one older than pose_timeout is dropped.", check: topicCheck },
  { name: 'swarm_tile_size', type: 'double', default: 0.0, min: 0, max: 1000, auto: 0, unit: 'm', readOnly: true, description: "With pose_exchange regional, the side (at least) of the fixed tiles of the target's box over which instances exchange poses: each publishes its robots' poses per tile on <swarm_poses_topic>/t_<i>_<j> and subscribes to the tiles within reach of its robots (the fine scale's and the safety filter's, plus what robots can close before a new tile's first message). Every instance must use the same value and target box. 0 (auto): half that reach at start-up (from robot_count, the speed limits, the safety settings and the rate)." },
  // Control loop.
  { name: 'swarm_match_latency', type: 'double', default: 0.3, min: 0, max: 10, unit: 's', readOnly: true, description: "With pose_exchange regional, how long beyond two control periods a new tile subscription may take to bring its first message (on a real graph it must first be matched with the publishers: DDS discovery; measured with Cyclone DDS on one machine: within 0.16 s at 10 Hz, 0.83 s once in 400 trials under load). The tiles' reach grows by 2 x the top speed x this; a robot near a subscribed tile that still holds fewer robots than the other instances announce there two periods plus this after its subscription is held at zero until it does (docs/shards.md)." },
  { name: 'rate', type: 'double', default: 10.0, min: 1, max: 100, unit: 'Hz', readOnly: false, description: 'Control and publishing rate. Keep it above 2 Hz: robot-side watchdogs time out at 0.5 s. A higher rate also raises the cap on the blob flow\'s diffusivity (2 eps^2 x rate).' },
  { name: 'pose_timeout', type: 'double', default: 0.5, min: 0.05, max: 10, unit: 's', readOnly: false, description: "A robot whose last pose is older than this gets zero commands and leaves the swarm's mass until it reports again." },
  { name: 'cmd_timeout', type: 'double', default: 0.5, min: 0.01, max: 60, unit: 's', readOnly: false, description: "The robots' command timeout (their watchdog, e.g. diff_drive_controller's cmd_vel_timeout): the longest a command stays in force when the next one is late. The safety barrier keeps every command safe for this long, so a late tick cannot break the separation. Set it to the robots' value or above." },
  { name: 'enabled', type: 'bool', default: true, readOnly: false, description: 'false publishes zero to every robot (a soft stop).' },
  // Kinematics and limits.
  { name: 'drive', type: 'string', default: 'holonomic', choices: ['holonomic', 'diff_drive'], readOnly: false, description: 'holonomic: command the planar velocity; diff_drive: (v, w) through a look-ahead point.' },
  { name: 'lookahead', type: 'double', default: 0.1, min: 0.01, max: 2, unit: 'm', readOnly: false, description: 'Distance of the look-ahead point ahead of a differential-drive robot.' },
  { name: 'max_linear_speed', type: 'double', default: 0.22, min: 0.001, max: 20, unit: 'm/s', readOnly: false, description: 'Linear speed limit (TurtleBot3 Burger: 0.22).' },
  { name: 'max_angular_speed', type: 'double', default: 2.84, min: 0.001, max: 50, unit: 'rad/s', readOnly: false, description: 'Angular speed limit; saturating keeps the curvature v/w (TurtleBot3 Burger: 2.84).' },
  { name: 'max_linear_accel', type: 'double', default: 1.0, min: 0.001, max: 100, unit: 'm/s^2', readOnly: false, description: 'Linear acceleration limit (rate limiting of the commands).' },
  { name: 'max_angular_accel', type: 'double', default: 6.0, min: 0.001, max: 500, unit: 'rad/s^2', readOnly: false, description: 'Angular acceleration limit.' },
  // Safety layer (control barrier function filter between the law and the commands).
  { name: 'safety', type: 'bool', default: true, readOnly: false, description: 'Filter the commands so that robots keep min separation 2 robot_radius + safety_clearance and stay out of obstacles and walls. false only for studies.' },
  { name: 'robot_radius', type: 'double', default: 0.105, min: 0, max: 10, unit: 'm', readOnly: false, description: 'Radius of a robot footprint (TurtleBot3 Burger: 0.105).' },
  { name: 'safety_clearance', type: 'double', default: 0.05, min: 0, max: 10, unit: 'm', readOnly: false, description: 'Extra gap kept between two footprints and between a footprint and an obstacle or wall.' },
  { name: 'safety_gain', type: 'double', default: 2.0, min: 0.01, max: 100, unit: '1/s', readOnly: false, description: 'Barrier gain alpha: a robot closes in on another robot or an obstacle at most alpha x the remaining gap. Every value is safe by construction: the gain applied is min(alpha, 1 / cmd_timeout), so that no command closes more than the whole gap however long it is held, and the closing speed is also kept below sqrt(max_linear_accel x gap), so that a robot can brake in time.' },
  // The coverage law.
  { name: 'algorithm', type: 'string', default: 'blob', choices: COVERAGE_ALGORITHMS, readOnly: false, description: "Coverage law: blob (the blob flow); lloyd (Lloyd's algorithm: each robot heads for the centroid of its density-weighted Voronoi cell); langevin (overdamped Langevin dynamics: random walkers biased up the target's log density). The safety layer and the limits apply to all three." },
  { name: 'diffusivity', type: 'double', default: 1.0, min: 1e-6, max: 1e6, unit: 'm^2/s', readOnly: false, description: "Diffusivity D of the blob flow (algorithm blob): the gain from density mismatch to speed. The controller applies at most 2 eps^2 x rate (a control tick is an explicit Euler step of the flow; a larger gain makes the robots overshoot and chatter), shown on /diagnostics as 'diffusivity applied': 0.1 m^2/s for the demo's 100 robots at 10 Hz, so above that D changes the speed no more. With method multiscale D also sets how fast the coarse scales fade (over 0.75 area / D seconds): a large D drops them before the swarm has spread." },
  { name: 'epsilon', type: 'double', default: 0.0, min: 0, max: 100, auto: 0, unit: 'm', readOnly: false, description: 'Mollifier width eps of the blob flow: the scale at which the swarm is compared with the target (smaller resolves finer detail, but a robot feels only the robots and the target within a few eps). 0 (auto on the command line) picks it from the number of live robots N and the domain area A: 0.5 sqrt(A / N), times (N / 400)^(1/4) below 400 robots, for method multiscale; 0.3 sqrt(A / N) for fixed.' },
  { name: 'method', type: 'string', default: 'multiscale', choices: ['multiscale', 'fixed'], readOnly: false, description: 'multiscale: the blob flow with decaying coarse scales (reaches sparse regions); fixed: the plain blob flow at one eps.' },
  { name: 'lloyd_gain', type: 'double', default: DEFAULT_LLOYD_GAIN, min: 0.001, max: 100, unit: '1/s', readOnly: false, description: "Gain k of Lloyd's law v = k (centroid - position). With algorithm lloyd, at most the rate: a larger k overshoots the centroid within one tick." },
  { name: 'langevin_diffusivity', type: 'double', default: DEFAULT_LANGEVIN_DIFFUSIVITY, min: 1e-6, max: 10, unit: 'm^2/s', readOnly: false, description: 'Diffusivity D of the Langevin law v = D grad log rho_bar + sqrt(2 D rate) xi. Its noise is sqrt(4 D rate) RMS: above max_linear_speed the limits clip it and bias where the robots settle.' },
  { name: 'langevin_seed', type: 'integer', default: DEFAULT_LANGEVIN_SEED, min: 0, max: 4294967295, readOnly: false, description: "Seed of the Langevin law's noise: the same seed and poses give the same commands. Setting it restarts the sequence." },
  { name: 'target_file', type: 'string', default: '', readOnly: false, description: 'Scenario YAML whose domain and target are used. Empty: the target parameter, or the built-in default. A change is checked (a regular file of bounded size), then built aside: a file that fails to build is refused on /diagnostics and the parameter restored.', check: (v: string) => (v.length > MAX_PATH ? `is longer than ${MAX_PATH} characters` : undefined) },
  { name: 'target', type: 'string', default: '', readOnly: false, description: 'Inline scenario-style YAML with domain and target, e.g. "{domain: {...}, target: {type: expression, expr: ...}}"; wins over target_file. Its YAML and formula are checked at once, the target built aside: one that fails to build is refused on /diagnostics and the parameter restored.', check: (v: string) => (v.length > MAX_INLINE_TARGET ? `is longer than ${MAX_INLINE_TARGET} characters (put a large target in a file: target_file)` : undefined) },
  // What users look at.
  { name: 'publish_markers', type: 'bool', default: true, readOnly: false, description: 'Publish a visualization_msgs/MarkerArray of robots and commands on ~/markers (each tick while it has a subscriber).' },
  { name: 'density_resolution', type: 'double', default: 0.05, min: 0.001, max: 10, unit: 'm', readOnly: false, description: 'Cell size of the latched target density OccupancyGrid on ~/target_density.' },
];

/** Checks that concern several controller parameters together; returns the reason for a refusal. */
export function controllerCrossCheck(v: ParamValues): string | undefined {
  const names = robotCrossCheck(v);
  if (names) return names;
  const offsets = v.pose_offsets as number[];
  const robots = Number(robotNames(v).length);
  if (offsets.length > 0 && offsets.length !== 3 * robots) return `pose_offsets must hold 3 numbers (x, y, yaw) for each of the ${robots} robots: ${3 * robots} numbers, got ${offsets.length}`;
  if (v.pose_type !== 'tf' && relativeTopicCheck(String(v.pose_topic))) return `'pose_topic' ${relativeTopicCheck(String(v.pose_topic))} (an absolute name only with pose_type tf: one topic for the swarm)`;
  const owned = v.owned_robots as string[];
  if (owned.length > 0) {
    const known = new Set(robotNames(v));
    const unknown = owned.filter((n) => !known.has(n));
    if (unknown.length > 0) return `owned_robots names ${unknown.length} robot${unknown.length > 1 ? 's' : ''} not in the swarm (first: ${quote(unknown[0])}): use names from robot_names, or robot_prefix followed by an index below robot_count`;
    if (new Set(owned).size !== owned.length) return 'owned_robots names a robot twice';
  }
  const gain = v.lloyd_gain as number;
  const rate = v.rate as number;
  if (v.algorithm === 'lloyd' && gain > rate) return `algorithm lloyd needs lloyd_gain (${gain} 1/s) <= rate (${rate} Hz): the robots would overshoot their centroids within one tick`;
  return undefined;
}
