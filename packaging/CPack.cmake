# The Debian package of DAIS: `cpack -G DEB` in a build tree (packaging/bootstrap.sh package
# does it for the release preset) writes dais_<version>-<revision>_<arch>.deb, installed under
# /usr: the programs in /usr/bin, the libraries in /usr/lib, the plugins in /usr/lib/dais/plugins,
# the scenarios in /usr/share/dais/scenarios and the studio's desktop files in /usr/share.
# dpkg-shlibdeps computes the runtime dependencies (Qt 6, SQLite, Open MPI, libsodium, the C++
# runtime) from the ELF files, so the build machine must have dpkg-dev and file installed.
set(CPACK_PACKAGE_NAME dais)
set(CPACK_PACKAGE_VENDOR "The DAIS developers")
set(CPACK_PACKAGE_CONTACT "DAIS maintainers <maintainers@users.noreply.r-seed-7733e71e.example>"
    CACHE STRING "The Maintainer field of the Debian package")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "simulator and studio for decentralized-AI networks")
set(CPACK_PACKAGE_DESCRIPTION
"DAIS, the Decentralized AI Studio, simulates networks in which many machines
learn or compute together: federated learning across hospitals or thousands of
intermittent phones, with robust aggregation, poisoning attacks and differential
privacy, gossip broadcast over thousands of peers, and a market of pooled GPUs
and CPUs at the edge and in the cloud, paid in tokens. Models, jobs and messages cross
a simulated network of regions, links and queues at their real size, over one
discrete-event simulator; runs are reproducible bit for bit.

The package holds the dais command-line tool (validate, run, sweep, runs, bench),
dais-studio, a Qt desktop studio that draws a scenario as a network, runs it with
live charts and compares runs, the layer plugins, and bundled scenarios with the
data sets they use (/usr/share/dais/scenarios).")
set(CPACK_STRIP_FILES ON)
set(CPACK_GENERATOR DEB)
# `cpack --config CPackSourceConfig.cmake`: the sources without build trees and version control.
set(CPACK_SOURCE_GENERATOR TXZ)
set(CPACK_SOURCE_IGNORE_FILES "/[.]git/" "/build/" "/build-[^/]*/" "/[.]cache/")

set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # dais_<version>-<release>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_SECTION science)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# `mpirun` shares a `dais sweep` between processes; plain runs and sweeps need no MPI program.
set(CPACK_DEBIAN_PACKAGE_SUGGESTS openmpi-bin)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

include(CPack)
