"""The test suite, run by pytest from the root of the repository (see README.md).

Importing this package, before anything imports numpy, leaves OpenBLAS one thread per process
unless the environment says otherwise: pytest-xdist already runs a test process per core,
beside the kernels, servers and browsers the tests start (which inherit the setting), and
BLAS threads would only compete with them for the same cores.
"""

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
