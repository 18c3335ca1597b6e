"""Package layout that pyproject.toml alone cannot say.

resources/ sits at the top of the repository and installs as ``zoomadmin.resources``, so
``importlib.resources`` finds icons and styles the same way in a source checkout, a wheel
and a frozen build.
"""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages(include=["zoomadmin", "zoomadmin.*"]), "zoomadmin.resources"],
    package_dir={"zoomadmin.resources": "resources"},
)
