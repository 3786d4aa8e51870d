# Debian packages (issue 8 §4): `cpack` in a build directory makes normwatch-sensor_*.deb and
# normwatch-collector_*.deb for the architecture built (amd64, or arm64 from build-aarch64/).
#   sensor:    /usr/bin/normwatch, the default rule pack (/usr/share/normwatch/rules), the systemd
#              unit (/usr/lib/systemd/system), an example /etc/normwatch/sensor.yaml (copied there by postinst if absent)
#   collector: /usr/bin/normwatch-collector, its unit, an example collector.yaml
# postinst creates the service's system user; no unit is enabled or started by the package (the
# configuration names the interface and the collector: the operator edits it first).
set(_deploy ${PROJECT_SOURCE_DIR}/deploy)

# The components: install rules of their own, so the plain `cmake --install` stays as it was.
install(TARGETS normwatch RUNTIME DESTINATION bin COMPONENT sensor EXCLUDE_FROM_ALL)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/rules/ DESTINATION share/normwatch/rules COMPONENT sensor EXCLUDE_FROM_ALL)
install(FILES ${_deploy}/systemd/normwatch-sensor.service DESTINATION lib/systemd/system COMPONENT sensor EXCLUDE_FROM_ALL)
install(FILES ${_deploy}/sensor.yaml ${PROJECT_SOURCE_DIR}/README.md
        DESTINATION share/doc/normwatch-sensor COMPONENT sensor EXCLUDE_FROM_ALL)
install(TARGETS normwatch-collector RUNTIME DESTINATION bin COMPONENT collector EXCLUDE_FROM_ALL)
install(FILES ${_deploy}/systemd/normwatch-collector.service DESTINATION lib/systemd/system COMPONENT collector EXCLUDE_FROM_ALL)
install(FILES ${_deploy}/collector.yaml ${PROJECT_SOURCE_DIR}/README.md
        DESTINATION share/doc/normwatch-collector COMPONENT collector EXCLUDE_FROM_ALL)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME normwatch)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "normwatch maintainers <normwatch@localhost>")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_COMPONENTS_ALL sensor collector)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_STRIP_FILES ON)          # debug information stays in the build directory
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# Library dependencies from the binaries themselves (dpkg-shlibdeps; needs the arm64 libraries'
# packages installed for a cross build, which deploy/cross-aarch64.sh does).
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
if(CMAKE_CROSSCOMPILING AND CMAKE_SYSTEM_PROCESSOR STREQUAL "aarch64")
  set(CPACK_DEBIAN_PACKAGE_ARCHITECTURE arm64)
endif()
set(CPACK_DEBIAN_SENSOR_PACKAGE_NAME normwatch-sensor)
set(CPACK_DEBIAN_SENSOR_DESCRIPTION
    "normwatch passive ICS network sensor (Modbus/TCP, DNP3, IEC 60870-5-104)\n Captures on a SPAN port or tap, checks the traffic against norm rules and a zone policy,\n and writes or delivers events. Never sends on the monitored interface.")
set(CPACK_DEBIAN_SENSOR_PACKAGE_DEPENDS "adduser")
set(CPACK_DEBIAN_SENSOR_PACKAGE_CONTROL_EXTRA ${_deploy}/debian/sensor/postinst)
set(CPACK_DEBIAN_COLLECTOR_PACKAGE_NAME normwatch-collector)
set(CPACK_DEBIAN_COLLECTOR_DESCRIPTION
    "normwatch event collector\n Receives normwatch sensor events over ZeroMQ (CURVE) and stores them in SQLite.")
set(CPACK_DEBIAN_COLLECTOR_PACKAGE_DEPENDS "adduser")
set(CPACK_DEBIAN_COLLECTOR_PACKAGE_CONTROL_EXTRA ${_deploy}/debian/collector/postinst)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
