# Cross-compiling normwatch for aarch64 (ARM gateway boxes) on a Debian 12 x86-64 machine with
# Debian's own cross toolchain (crossbuild-essential-arm64) and the arm64 -dev packages installed
# through dpkg multi-arch. deploy/cross-aarch64.sh installs all of it and drives this file.
#
# Debian's cross compiler already searches the multi-arch directories (/usr/include/aarch64-linux-gnu,
# /usr/lib/aarch64-linux-gnu), so no sysroot is set: CMAKE_LIBRARY_ARCHITECTURE makes find_package and
# find_library look in lib/aarch64-linux-gnu, and the cross pkg-config reads only arm64 .pc files.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)

set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
set(PKG_CONFIG_EXECUTABLE aarch64-linux-gnu-pkg-config CACHE FILEPATH "pkg-config for arm64 .pc files")

# Packages whose arm64 -dev cannot be co-installed with the amd64 one (no Multi-Arch: same:
# libndpi-dev, libyaml-cpp-dev, libgcrypt20-dev) are unpacked by deploy/cross-aarch64.sh into a
# private overlay; it is searched before /usr. Its .pc files were rewritten to point into it.
set(NORMWATCH_AARCH64_OVERLAY "" CACHE PATH "Overlay root holding the non-co-installable arm64 -dev packages")
if(NORMWATCH_AARCH64_OVERLAY)
  list(PREPEND CMAKE_PREFIX_PATH ${NORMWATCH_AARCH64_OVERLAY}/usr)
  set(ENV{PKG_CONFIG_PATH} "${NORMWATCH_AARCH64_OVERLAY}/usr/lib/aarch64-linux-gnu/pkgconfig")
endif()

# Tools that run during the build (gtest discovery, add_test commands) go through qemu-user.
# -L is the dynamic loader's root: the cross libc, then the multi-arch libraries under /usr/lib.
set(CMAKE_CROSSCOMPILING_EMULATOR qemu-aarch64 -L /usr/aarch64-linux-gnu)

# Programs (python3, git) come from the build machine; libraries and headers never do.
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
