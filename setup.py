"""Package layout that pyproject.toml alone cannot say.

resources/ sits at the top of the repository and installs as ``zoomadmin.resources``, so
``importlib.resources`` finds icons and styles the same way in a source checkout, a wheel
and a frozen build. Folders of data (icons, migrations) are namespace packages.
"""

from setuptools import find_namespace_packages, setup

RESOURCES = "zoomadmin.resources"

setup(
    packages=[
        *find_namespace_packages(include=["zoomadmin", "zoomadmin.*"]),
        RESOURCES,
        *(f"{RESOURCES}.{name}" for name in find_namespace_packages(where="resources")),
    ],
    package_dir={RESOURCES: "resources"},
)
