def get_package_share_directory(package):
    return f'/opt/ros/jazzy/share/{package}'
