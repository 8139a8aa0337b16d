#!/usr/bin/env node
// ROS 2 entry point: the controller node (needs a sourced ROS 2 and a built rclnodejs; accepts --ros-args).
import { controllerMain } from '../dist/ros/main.js';

controllerMain().then((code) => process.exit(code));
