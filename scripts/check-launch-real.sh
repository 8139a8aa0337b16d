#!/usr/bin/env bash
# The launch files under the real ROS 2 launch (launch, launch_ros, launch_xml) and the package under real colcon
# and ament_cmake, with the nodes replaced by a `node` that prints its arguments and exits: which processes start,
# named how, with which command lines. No DDS traffic comes from the stand-in nodes. Needs a sourced ROS 2 with
# colcon and a built project (npm run build). Not part of `npm test` (CI has no ROS). Usage, from the repository:
#   source /opt/ros/jazzy/setup.bash && npm run build && scripts/check-launch-real.sh
# Prints PASS/FAIL per check; exits 1 if any failed.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
command -v ros2 >/dev/null && command -v colcon >/dev/null || { echo "check-launch-real: source a ROS 2 with ros2 and colcon first" >&2; exit 2; }
[ -f "$ROOT/dist/ros/main.js" ] || { echo "check-launch-real: npm run build first" >&2; exit 2; }
WORK=$(mktemp -d /tmp/blob-launch-real.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/bin"
# The stand-in for node: one line with its arguments, then exit (launch ends when every process has exited).
printf '#!/bin/sh\necho "FAKE-NODE $*"\n' > "$WORK/bin/node"
chmod +x "$WORK/bin/node"
failed=0

# run NAME EXPECTED-REGEX... -- ros2 launch ARGS: each regex must match a line of the output.
check() {
  local name=$1; shift
  local patterns=()
  while [ "$1" != "--" ]; do patterns+=("$1"); shift; done; shift
  local out
  out=$(PATH="$WORK/bin:$PATH" timeout 60 "$@" 2>&1)
  local ok=1
  for p in "${patterns[@]}"; do
    grep -Eq -- "$p" <<<"$out" || { ok=0; echo "  missing: $p"; }
  done
  if [ $ok = 1 ]; then echo "PASS $name"; else echo "FAIL $name"; echo "$out" | sed 's/^/  | /' | tail -30; failed=1; fi
}

SIM='FAKE-NODE .*/bin/blob-coverage-simulator.js --ros-args -r __node:=swarm_simulator'
CTL='FAKE-NODE .*/bin/blob-coverage-controller.js --ros-args -r __node:=blob_coverage_controller'
check "checkout, defaults: both processes, named, with the parameter file" \
  "\[swarm_simulator-1\] FAKE-NODE" "\[blob_coverage_controller-2\] FAKE-NODE" \
  "$SIM --params-file $ROOT/config/blob_coverage.yaml -p swarm_simulator:use_sim_time:=false --log-level info" \
  -- ros2 launch "$ROOT/launch/swarm.launch.py"
check "checkout, XML: arguments passed through to swarm.launch.py" \
  "$CTL -r __ns:=/swarm_a --params-file .* -p blob_coverage_controller:robot_count:=4 .*-p blob_coverage_controller:drive:=diff_drive" \
  "$SIM -r __ns:=/swarm_a " \
  -- ros2 launch "$ROOT/launch/blob_coverage.launch.xml" namespace:=swarm_a robot_count:=4 drive:=diff_drive
check "checkout, real robots: the controller alone with pose topic, type, frame and file" \
  "$CTL --params-file $ROOT/config/turtlebot3.yaml " "-p blob_coverage_controller:pose_type:=pose_stamped " \
  "-p blob_coverage_controller:pose_topic:='pose' " "-p blob_coverage_controller:world_frame:='mocap' " \
  -- ros2 launch "$ROOT/launch/swarm.launch.py" simulate:=false "params_file:=$ROOT/config/turtlebot3.yaml" \
     pose_topic:=pose pose_type:=pose_stamped world_frame:=mocap
check "a value outside the choices is refused" \
  'Argument "drive" provided value "diffdrive" is not valid' \
  -- ros2 launch "$ROOT/launch/blob_coverage.launch.xml" drive:=diffdrive
check "--show-args lists the choices" \
  "'params_file':" "Valid choices are: \['', 'holonomic', 'diff_drive'\]" "'use_rviz':" \
  -- ros2 launch "$ROOT/launch/swarm.launch.py" --show-args
cat > "$WORK/pushed.launch.xml" <<EOF
<launch>
  <group>
    <push-ros-namespace namespace="site"/>
    <include file="$ROOT/launch/swarm.launch.py"><arg name="namespace" value="swarm_a"/></include>
  </group>
</launch>
EOF
check "checkout under push-ros-namespace: applied to the processes" \
  "$SIM -r __ns:=/site/swarm_a " "$CTL -r __ns:=/site/swarm_a " \
  -- ros2 launch "$WORK/pushed.launch.xml"

# The package built by colcon (real ament_cmake) from a copy of the repository without its development tools.
mkdir -p "$WORK/ws/src"
git -C "$ROOT" ls-files -z | (cd "$ROOT" && xargs -0 cp --parents -t "$WORK/ws/src" 2>/dev/null)
cp -r "$ROOT/dist" "$WORK/ws/src/"
ln -s "$ROOT/node_modules" "$WORK/ws/src/node_modules"
if (cd "$WORK/ws" && colcon --log-base "$WORK/log" build --build-base "$WORK/build" --install-base "$WORK/install" >"$WORK/colcon.txt" 2>&1); then
  echo "PASS colcon build of blob_coverage"
  size=$(du -sm "$WORK/install/blob_coverage/share/blob_coverage/node_modules" | cut -f1)
  echo "     installed node_modules: ${size} MB on disk, of $(du -sm -L "$ROOT/node_modules" | cut -f1) MB"
  check "installed: launch_ros Nodes running the package's executables, in the namespace" \
    "\[simulator-1\] FAKE-NODE .*/share/blob_coverage/bin/blob-coverage-simulator.js --ros-args --params-file .*/share/blob_coverage/config/blob_coverage.yaml .*-r __node:=swarm_simulator -r __ns:=/swarm_a" \
    "\[controller-2\] FAKE-NODE .*/share/blob_coverage/bin/blob-coverage-controller.js --ros-args .*-r __node:=blob_coverage_controller -r __ns:=/swarm_a" \
    -- bash -c "source '$WORK/install/setup.bash' && ros2 launch blob_coverage blob_coverage.launch.xml namespace:=swarm_a"
else
  echo "FAIL colcon build of blob_coverage"; tail -30 "$WORK/colcon.txt" | sed 's/^/  | /'; failed=1
fi
exit $failed
