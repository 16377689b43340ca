# What `cmake --install` puts where, and the Debian package CPack makes of it
# (`make package` builds it in build-package/ with the tests and the benchmark
# off; tests/package/run.sh checks the package from any build dir).
include(GNUInstallDirs)

install(TARGETS flowlink flowlink-emulator RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY ${CMAKE_SOURCE_DIR}/schemas/ DESTINATION ${CMAKE_INSTALL_DATADIR}/flowlink/schemas
        FILES_MATCHING PATTERN "*.schema.json")

# Debian policy wants man pages compressed (gzip -n: no timestamp, so the
# package is reproducible).
set(FLOWLINK_MAN_PAGE ${CMAKE_BINARY_DIR}/man/flowlink.1.gz)
add_custom_command(
  OUTPUT ${FLOWLINK_MAN_PAGE}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/man
  COMMAND gzip -9 -n -c ${CMAKE_SOURCE_DIR}/man/flowlink.1 > ${FLOWLINK_MAN_PAGE}
  DEPENDS ${CMAKE_SOURCE_DIR}/man/flowlink.1
  COMMENT "Compressing the man page"
  VERBATIM)
add_custom_target(flowlink_man_page ALL DEPENDS ${FLOWLINK_MAN_PAGE})
install(FILES ${FLOWLINK_MAN_PAGE} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${CMAKE_SOURCE_DIR}/completions/flowlink.bash
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions RENAME flowlink)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME flowlink)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "declarative common-module calls in Genesys Cloud Architect flows")
string(CONCAT CPACK_PACKAGE_DESCRIPTION
       "flowlink keeps Genesys Cloud Architect flows calling the common modules a YAML manifest\n"
       "declares: validate, plan, apply (locked, verified) and drift. flowlink-emulator is a local\n"
       "stand-in for the Architect part of the Genesys Cloud API, for tests and demos.")
set(CPACK_PACKAGE_CONTACT "flowlink maintainers <flowlink@invalid>")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
# Depends from what the binaries link (dpkg-shlibdeps): libcpprest2.10,
# libyaml-cpp0.7, libfmt9, libssl3, libstdc++6, libc6 on Debian 12.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS bash-completion)
include(CPack)
