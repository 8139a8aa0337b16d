/**
 * The ROS 2 messages the nodes use, as plain objects (the shape rclnodejs gives and takes).
 * Only the fields the nodes read or write are required; rclnodejs fills the rest with defaults.
 */

/** builtin_interfaces/msg/Time. */
export interface TimeMsg {
  sec: number;
  nanosec: number;
}

/** std_msgs/msg/Header. */
export interface Header {
  stamp: TimeMsg;
  frame_id: string;
}

export interface Vector3 {
  x: number;
  y: number;
  z: number;
}

export interface Quaternion {
  x: number;
  y: number;
  z: number;
  w: number;
}

export interface Pose {
  position: Vector3;
  orientation: Quaternion;
}

/** geometry_msgs/msg/Twist. */
export interface Twist {
  linear: Vector3;
  angular: Vector3;
}

/** geometry_msgs/msg/TwistStamped. */
export interface TwistStamped {
  header: Header;
  twist: Twist;
}

/** geometry_msgs/msg/PoseStamped. */
export interface PoseStamped {
  header: Header;
  pose: Pose;
}

/** nav_msgs/msg/Odometry (covariances omitted). */
export interface Odometry {
  header: Header;
  child_frame_id: string;
  pose: { pose: Pose };
  twist: { twist: Twist };
}

/** std_msgs/msg/Bool. */
export interface BoolMsg {
  data: boolean;
}

/** std_msgs/msg/ColorRGBA. */
export interface ColorRGBA {
  r: number;
  g: number;
  b: number;
  a: number;
}

/** visualization_msgs/msg/Marker (the fields used here). */
export interface Marker {
  header: Header;
  ns: string;
  id: number;
  type: number;
  action: number;
  pose: Pose;
  scale: Vector3;
  color: ColorRGBA;
  points: Vector3[];
  frame_locked?: boolean;
}

/** visualization_msgs/msg/MarkerArray. */
export interface MarkerArray {
  markers: Marker[];
}

/** nav_msgs/msg/OccupancyGrid. */
export interface OccupancyGrid {
  header: Header;
  info: {
    map_load_time: TimeMsg;
    resolution: number;
    width: number;
    height: number;
    origin: Pose;
  };
  /** int8 0..100, row-major from the origin. */
  data: Int8Array | number[];
}

/** diagnostic_msgs/msg/KeyValue. */
export interface KeyValue {
  key: string;
  value: string;
}

/** diagnostic_msgs/msg/DiagnosticStatus. */
export interface DiagnosticStatus {
  level: number;
  name: string;
  message: string;
  hardware_id: string;
  values: KeyValue[];
}

/** diagnostic_msgs/msg/DiagnosticArray. */
export interface DiagnosticArray {
  header: Header;
  status: DiagnosticStatus[];
}

/** geometry_msgs/msg/TransformStamped. */
export interface TransformStamped {
  header: Header;
  child_frame_id: string;
  transform: { translation: Vector3; rotation: Quaternion };
}

/** tf2_msgs/msg/TFMessage (on /tf). */
export interface TFMessage {
  transforms: TransformStamped[];
}

/** std_msgs/msg/MultiArrayDimension. */
export interface MultiArrayDimension {
  label: string;
  size: number;
  stride: number;
}

/** std_msgs/msg/Float32MultiArray (the instances' shared deposits: docs/shards.md). */
export interface Float32MultiArray {
  layout: { dim: MultiArrayDimension[]; data_offset: number };
  data: ArrayLike<number>;
}

/** std_srvs/srv/SetBool request. */
export interface SetBoolRequest {
  data: boolean;
}

/** std_srvs/srv/SetBool response. */
export interface SetBoolResponse {
  success: boolean;
  message: string;
}

/** ROS type names of the messages above. */
export const MSG = {
  Twist: 'geometry_msgs/msg/Twist',
  TwistStamped: 'geometry_msgs/msg/TwistStamped',
  PoseStamped: 'geometry_msgs/msg/PoseStamped',
  Odometry: 'nav_msgs/msg/Odometry',
  Bool: 'std_msgs/msg/Bool',
  MarkerArray: 'visualization_msgs/msg/MarkerArray',
  OccupancyGrid: 'nav_msgs/msg/OccupancyGrid',
  DiagnosticArray: 'diagnostic_msgs/msg/DiagnosticArray',
  TFMessage: 'tf2_msgs/msg/TFMessage',
  Float32MultiArray: 'std_msgs/msg/Float32MultiArray',
} as const;

/** ROS type names of the services the nodes offer. */
export const SRV = {
  SetBool: 'std_srvs/srv/SetBool',
} as const;

/** Maps each service type name to its request and response shapes. */
export interface ServiceByType {
  'std_srvs/srv/SetBool': { request: SetBoolRequest; response: SetBoolResponse };
}

/** A service type name the nodes know. */
export type ServiceType = keyof ServiceByType;

/** Maps each type name to its message shape. */
export interface MessageByType {
  'geometry_msgs/msg/Twist': Twist;
  'geometry_msgs/msg/TwistStamped': TwistStamped;
  'geometry_msgs/msg/PoseStamped': PoseStamped;
  'nav_msgs/msg/Odometry': Odometry;
  'std_msgs/msg/Bool': BoolMsg;
  'visualization_msgs/msg/MarkerArray': MarkerArray;
  'nav_msgs/msg/OccupancyGrid': OccupancyGrid;
  'diagnostic_msgs/msg/DiagnosticArray': DiagnosticArray;
  'tf2_msgs/msg/TFMessage': TFMessage;
  'std_msgs/msg/Float32MultiArray': Float32MultiArray;
}

/** A message type name the nodes know. */
export type MessageType = keyof MessageByType;

/** Yaw (rad, counter-clockwise about z) of a quaternion: atan2(2(wz + xy), 1 - 2(y^2 + z^2)). */
export function yawOf(q: Quaternion): number {
  // w^2 + x^2 - y^2 - z^2 equals 1 - 2 (y^2 + z^2) for a unit quaternion and keeps the angle right at any scale.
  return Math.atan2(2 * (q.w * q.z + q.x * q.y), q.w * q.w + q.x * q.x - q.y * q.y - q.z * q.z);
}

/** Why a quaternion is not an orientation (a component not a finite number, or a norm off 1 by more than tf2's 1%). */
export function quaternionProblem(q: Quaternion): string | undefined {
  const parts = [q?.x, q?.y, q?.z, q?.w];
  if (!parts.every((c) => typeof c === 'number' && Number.isFinite(c))) return `orientation is not four finite numbers (${parts.map(String).join(', ')})`;
  const n2 = q.x * q.x + q.y * q.y + q.z * q.z + q.w * q.w;
  return Math.abs(n2 - 1) <= 0.01 ? undefined : `orientation is not a unit quaternion (norm^2 ${n2.toPrecision(3)})`;
}

/** The quaternion of a rotation by `yaw` about z. */
export function quaternionOfYaw(yaw: number): Quaternion {
  return { x: 0, y: 0, z: Math.sin(yaw / 2), w: Math.cos(yaw / 2) };
}

/** Seconds as a builtin_interfaces/Time. */
export function timeMsg(seconds: number): TimeMsg {
  const sec = Math.floor(seconds);
  return { sec, nanosec: Math.min(999_999_999, Math.round((seconds - sec) * 1e9)) };
}

/** A builtin_interfaces/Time as seconds. */
export function secondsOf(t: TimeMsg): number {
  return t.sec + t.nanosec * 1e-9;
}

/** A zero twist. */
export function zeroTwist(): Twist {
  return { linear: { x: 0, y: 0, z: 0 }, angular: { x: 0, y: 0, z: 0 } };
}
