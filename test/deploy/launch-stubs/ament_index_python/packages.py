"""Stand-in of ament_index_python.packages: blob_coverage is installed only where BLOB_COVERAGE_SHARE says."""
import os


class PackageNotFoundError(KeyError):
    pass


def get_package_share_directory(package):
    if package == 'blob_coverage':
        share = os.environ.get('BLOB_COVERAGE_SHARE')
        if not share:
            raise PackageNotFoundError(f"package '{package}' not found")
        return share
    return f'/opt/ros/jazzy/share/{package}'
