# Installation and packages: `cmake --install build [--prefix DIR]` puts
#   bin/space, bin/space-cc             (space-cc finds the rest relative to bin/)
#   share/space/include/space.h          the guest's header
#   share/space/runtime/                 what space-cc compiles into every guest
#   share/doc/space/                     README, LICENSE and docs/
# and `cpack -G DEB` (in the build directory) makes a .deb of the same tree.
# Nothing installed holds a path of the build machine, so the tree may move.

install(TARGETS space RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(PROGRAMS ${CMAKE_BINARY_DIR}/install/space-cc DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES ${SPACE_GUEST_INCLUDE}/space.h DESTINATION ${SPACE_INSTALL_DATA}/include)
install(FILES ${SPACE_RUNTIME_DIR}/crt0.S ${SPACE_RUNTIME_DIR}/space_ops.S ${SPACE_RUNTIME_DIR}/libc.c
              ${SPACE_RUNTIME_DIR}/int64.c ${SPACE_RUNTIME_DIR}/guest.ld ${SPACE_RUNTIME_DIR}/toolchain.sh
        DESTINATION ${SPACE_INSTALL_DATA}/runtime)
install(FILES ${PROJECT_SOURCE_DIR}/README.md ${PROJECT_SOURCE_DIR}/LICENSE
        DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR}/docs)

set(CPACK_PACKAGE_NAME space)
set(CPACK_PACKAGE_VENDOR "SPACE")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "SPACE: an instruction-level simulator for teaching operating systems")
set(CPACK_PACKAGE_CONTACT "SPACE maintainers <space@localhost>")
set(CPACK_RESOURCE_FILE_LICENSE ${PROJECT_SOURCE_DIR}/LICENSE)
set(CPACK_GENERATOR DEB TGZ)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_LICENSE GPL-2.0-or-later)
# The shared libraries space needs, as dpkg-shlibdeps finds them (none of
# the engines' with SPACE_STATIC_ENGINES); space-cc needs a guest compiler.
find_program(DPKG_SHLIBDEPS dpkg-shlibdeps)
if(DPKG_SHLIBDEPS)
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
endif()
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "clang, lld")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "gdb")
include(CPack)
