#!/bin/bash
# Sources ROS 2 and the blob_coverage workspace, then becomes the command (exec: it gets the container's signals).
set -e
source "/opt/ros/${ROS_DISTRO}/setup.bash"
source /ws/install/setup.bash
exec "$@"
