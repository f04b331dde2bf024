# The guest compiler space-cc uses when SPACE_CC is not set (see
# basicoz/runtime/toolchain.sh for the kinds). SPACE_GUEST_CC names it;
# left empty, the first that links a freestanding 32-bit program here wins:
# gcc -m32 (x86 hosts), a cross gcc (i686-linux-gnu-gcc, i686-elf-gcc), then
# clang with ld.lld. No kind needs gcc-multilib: the runtime brings the
# helpers libgcc used to.
set(SPACE_GUEST_CC "" CACHE STRING "Guest compiler for space-cc: gcc, clang or a cross gcc (empty: detect)")

# space_guest_cc_works(KIND VAR): VAR is TRUE when KIND compiles and links
# a freestanding 32-bit x86 ELF here.
function(space_guest_cc_works kind var)
  if(kind STREQUAL "gcc")
    set(cc gcc -m32)
  elseif(kind MATCHES "clang")
    set(cc ${kind} --target=i386-unknown-none-elf -fuse-ld=lld)
  else()
    set(cc ${kind})
  endif()
  set(dir ${CMAKE_BINARY_DIR}/CMakeFiles/guest-cc-check)
  file(MAKE_DIRECTORY ${dir})
  file(WRITE ${dir}/t.c "void _start(void) { for (;;) { } }\n")
  execute_process(COMMAND ${cc} -ffreestanding -nostdlib -static -o ${dir}/t.elf ${dir}/t.c
    RESULT_VARIABLE rc OUTPUT_QUIET ERROR_QUIET)
  set(ok FALSE)
  if(rc EQUAL 0 AND EXISTS ${dir}/t.elf)
    file(READ ${dir}/t.elf head LIMIT 20 HEX)
    # ELFCLASS32 (byte 4 = 01) and EM_386 (bytes 18-19 = 03 00)
    if(head MATCHES "^7f454c4601" AND head MATCHES "0300$")
      set(ok TRUE)
    endif()
  endif()
  set(${var} ${ok} PARENT_SCOPE)
endfunction()

set(SPACE_HAVE_GUEST_CC ON)
if(SPACE_GUEST_CC STREQUAL "")
  foreach(kind gcc i686-linux-gnu-gcc i686-elf-gcc clang)
    space_guest_cc_works(${kind} ok)
    if(ok)
      set(SPACE_GUEST_CC ${kind} CACHE STRING "Guest compiler for space-cc" FORCE)
      break()
    endif()
  endforeach()
  if(SPACE_GUEST_CC STREQUAL "" AND SPACE_BASICOZ_IMAGE)
    # A prebuilt kernel needs no guest compiler; the demo and the tests do.
    message(WARNING "no guest compiler: building space with ${SPACE_BASICOZ_IMAGE}, "
                    "without the demo kernel and the tests")
    set(SPACE_HAVE_GUEST_CC OFF)
  elseif(SPACE_GUEST_CC STREQUAL "")
    message(FATAL_ERROR "no compiler here links 32-bit x86 guests: install clang and lld "
                        "(or gcc on an x86 host, or i686-linux-gnu-gcc); see docs/building.md")
  endif()
else()
  space_guest_cc_works(${SPACE_GUEST_CC} ok)
  if(NOT ok)
    message(FATAL_ERROR "SPACE_GUEST_CC=${SPACE_GUEST_CC} does not link a 32-bit x86 guest here; "
                        "expected gcc, clang (with ld.lld) or a cross gcc (docs/building.md)")
  endif()
endif()
if(SPACE_HAVE_GUEST_CC)
  message(STATUS "Guest compiler (space-cc): ${SPACE_GUEST_CC}")
endif()
