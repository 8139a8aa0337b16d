#!/usr/bin/env node
// ROS 2 entry point: the simulator node (needs a sourced ROS 2 and a built rclnodejs; accepts --ros-args).
import { simulatorMain } from '../dist/ros/main.js';

simulatorMain().then((code) => process.exit(code));
