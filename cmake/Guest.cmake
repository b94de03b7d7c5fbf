# cmake/Guest.cmake: builds the freestanding guest kernel (and the trap
# self-test) for every architecture with clang --target and ld.lld, into
# build/guest/<arch>/{kernel,selftest}.elf, and embeds those images into the
# host program through one generated assembly file (.incbin).

# The guest toolchain is LLVM 14 on every host: the kernel image, and with
# it every cycle count and trace hash, must be the same bits everywhere
# (scripts/deps.sh installs it on Debian 12 and 13; docs/machine.md).
find_program(IPCEMU_GUEST_CC NAMES clang-14)
find_program(IPCEMU_GUEST_LD NAMES ld.lld-14)
find_program(IPCEMU_GUEST_AR NAMES llvm-ar-14)
if(NOT IPCEMU_GUEST_CC OR NOT IPCEMU_GUEST_LD OR NOT IPCEMU_GUEST_AR)
    message(FATAL_ERROR "the guest is built with LLVM 14 (clang-14, ld.lld-14, llvm-ar-14), "
                        "which this machine lacks: run scripts/deps.sh")
endif()

set(IPCEMU_ARCHES "x86_64;aarch64;riscv64" CACHE STRING
    "Architectures to build the guest for and support in ipcemu")
set(IPCEMU_GUEST_ARCHES ${IPCEMU_ARCHES})
foreach(arch ${IPCEMU_GUEST_ARCHES})
    add_compile_definitions(IPCEMU_HAVE_${arch}=1)
endforeach()
set(IPCEMU_GUEST_CFLAGS_x86_64 --target=x86_64-unknown-none-elf -mno-red-zone
    -mgeneral-regs-only -mcmodel=small)
set(IPCEMU_GUEST_CFLAGS_aarch64 --target=aarch64-unknown-none-elf -mgeneral-regs-only)
set(IPCEMU_GUEST_CFLAGS_riscv64 --target=riscv64-unknown-none-elf -march=rv64imac -mabi=lp64
    -mcmodel=medany -mno-relax -msmall-data-limit=0)
set(IPCEMU_GUEST_CFLAGS_COMMON -ffreestanding -nostdlib -fno-builtin -fno-stack-protector
    -fno-pic -O2 -g -std=c11 -Wall -Wextra)
if(IPCEMU_WERROR)
    list(APPEND IPCEMU_GUEST_CFLAGS_COMMON -Werror)
endif()

# ipcemu_guest_objects(OUT ARCH TAG SOURCES... [DEFINES NAME...]): compiles
# each source for ARCH (with -DNAME for each DEFINES) and appends the object
# paths to OUT.
function(ipcemu_guest_objects out arch tag)
    cmake_parse_arguments(O "" "" "DEFINES" ${ARGN})
    set(defs)
    foreach(d ${O_DEFINES})
        list(APPEND defs -D${d})
    endforeach()
    set(objs)
    file(MAKE_DIRECTORY ${CMAKE_BINARY_DIR}/guest/${arch}/obj/${tag})
    foreach(src ${O_UNPARSED_ARGUMENTS})
        get_filename_component(name ${src} NAME)
        set(obj ${CMAKE_BINARY_DIR}/guest/${arch}/obj/${tag}/${name}.o)
        add_custom_command(
            OUTPUT ${obj}
            COMMAND ${IPCEMU_GUEST_CC} ${IPCEMU_GUEST_CFLAGS_COMMON} ${IPCEMU_GUEST_CFLAGS_${arch}}
                    ${defs} -I${CMAKE_SOURCE_DIR} -I${CMAKE_SOURCE_DIR}/guest-kernel
                    -I${CMAKE_SOURCE_DIR}/guest-kernel/arch/${arch}
                    -MD -MF ${obj}.d -c ${CMAKE_SOURCE_DIR}/${src} -o ${obj}
            DEPENDS ${CMAKE_SOURCE_DIR}/${src}
            DEPFILE ${obj}.d
            COMMENT "guest ${arch}: ${src}"
            VERBATIM)
        list(APPEND objs ${obj})
    endforeach()
    set(${out} ${objs} PARENT_SCOPE)
endfunction()

# ipcemu_guest_elf(ARCH NAME KERNEL_SOURCES... USER user-sources...
# [CHECK check-sources...] [DEFINES NAME...]): links build/guest/ARCH/NAME.elf
# from the kernel objects and a libuser.a of the user objects (kernel.ld puts
# libuser.a in user-accessible pages). CHECK sources are linked with the same
# objects into a throw-away obj/NAME-kphases.check only (NAME.elf stays as it
# is), which the guest target builds: a symbol they reference that the kernel
# lacks fails it. DEFINES are -D flags of the kernel and check objects.
function(ipcemu_guest_elf arch name)
    cmake_parse_arguments(G "" "" "KERNEL;USER;CHECK;DEFINES" ${ARGN})
    set(dir ${CMAKE_BINARY_DIR}/guest/${arch})
    ipcemu_guest_objects(kobjs ${arch} ${name} ${G_KERNEL} DEFINES ${G_DEFINES})
    ipcemu_guest_objects(uobjs ${arch} ${name}-user ${G_USER})
    set(lib ${dir}/${name}-libuser.a)
    set(elf ${dir}/${name}.elf)
    add_custom_command(
        OUTPUT ${lib}
        COMMAND ${CMAKE_COMMAND} -E rm -f ${lib}
        COMMAND ${IPCEMU_GUEST_AR} rcs ${lib} ${uobjs}
        DEPENDS ${uobjs}
        VERBATIM)
    # lld matches archive members by the archive's file name: call it libuser.a.
    set(libdir ${dir}/${name}-lib)
    add_custom_command(
        OUTPUT ${elf}
        COMMAND ${CMAKE_COMMAND} -E make_directory ${libdir}
        COMMAND ${CMAKE_COMMAND} -E copy ${lib} ${libdir}/libuser.a
        COMMAND ${IPCEMU_GUEST_LD} -T ${CMAKE_SOURCE_DIR}/guest-kernel/kernel.ld
                --no-dynamic-linker -static -o ${elf} ${kobjs} ${libdir}/libuser.a
        DEPENDS ${kobjs} ${lib} ${CMAKE_SOURCE_DIR}/guest-kernel/kernel.ld
        COMMENT "guest ${arch}: link ${name}.elf"
        VERBATIM)
    set_property(GLOBAL APPEND PROPERTY IPCEMU_GUEST_ELFS ${elf})
    if(G_CHECK)
        ipcemu_guest_objects(cobjs ${arch} ${name}-check ${G_CHECK} DEFINES ${G_DEFINES})
        set(check ${dir}/obj/${name}-kphases.check)
        add_custom_command(
            OUTPUT ${check}
            COMMAND ${IPCEMU_GUEST_LD} -T ${CMAKE_SOURCE_DIR}/guest-kernel/kernel.ld
                    --no-dynamic-linker -static -o ${check} ${kobjs} ${cobjs} ${libdir}/libuser.a
            DEPENDS ${kobjs} ${cobjs} ${elf}
            COMMENT "guest ${arch}: check ${name}.elf against the functions abi/kphases.h lists"
            VERBATIM)
        set_property(GLOBAL APPEND PROPERTY IPCEMU_GUEST_CHECKS ${check})
    endif()
endfunction()

# ipcemu_guest_bare(ARCH NAME SOURCES...): a bare-metal program for `ipcemu
# exec` (build/guest/ARCH/NAME.elf), linked like the kernel, without libuser.
function(ipcemu_guest_bare arch name)
    set(dir ${CMAKE_BINARY_DIR}/guest/${arch})
    ipcemu_guest_objects(objs ${arch} ${name} ${ARGN})
    set(elf ${dir}/${name}.elf)
    add_custom_command(
        OUTPUT ${elf}
        COMMAND ${IPCEMU_GUEST_LD} -T ${CMAKE_SOURCE_DIR}/guest-kernel/kernel.ld
                --no-dynamic-linker -static -o ${elf} ${objs}
        DEPENDS ${objs} ${CMAKE_SOURCE_DIR}/guest-kernel/kernel.ld
        COMMENT "guest ${arch}: link ${name}.elf"
        VERBATIM)
    set_property(GLOBAL APPEND PROPERTY IPCEMU_GUEST_ELFS ${elf})
endfunction()

set(IPCEMU_KERNEL_SOURCES
    guest-kernel/main.c guest-kernel/proc.c guest-kernel/sched.c guest-kernel/syscall.c
    guest-kernel/trap.c guest-kernel/console.c guest-kernel/lib.c guest-kernel/kpage.c
    guest-kernel/ktrace.c guest-kernel/demo.c guest-kernel/kipc.c guest-kernel/kcall.c guest-kernel/kfastpath.c
    guest-kernel/kport.c guest-kernel/knotif.c guest-kernel/ktopic.c guest-kernel/kname.c
    guest-kernel/kregion.c guest-kernel/ktimeout.c guest-kernel/scenario.c ipc/cap.c
    ipc/port.c ipc/notify.c guest-kernel/irq.c guest-kernel/klayout.c guest-kernel/kcpu.c)
set(IPCEMU_USER_SOURCES guest-kernel/user/ulib.c guest-kernel/user/programs.c
    guest-kernel/user/chan.c guest-kernel/user/posix.c guest-kernel/user/programs_async.c
    guest-kernel/user/runner.c guest-kernel/user/compute.c)

# Where the kernel's trace events come from (docs/machine.md, "Trace
# sources"). OFF (the default): kernel.elf has no tracepoint and does not
# touch the trace port; the host decodes every event from probes at kernel
# code addresses, so tracing costs the guest nothing. ON: kernel.elf is
# built with IPCEMU_KTRACE, its own tracepoints (guest-kernel/ktrace.c)
# write the events through the trace port as before issue 14, at about 20
# guest instructions an event (to measure what in-kernel tracing costs).
# kernel-ktrace.elf is always built with IPCEMU_KTRACE (not embedded):
# tests/integration/test_probe_events.c compares its ktrace events with
# the probes'. The host sees IPCEMU_GUEST_KTRACE=1 when ON (abi/kphases.h
# lists `ktrace` then).
option(IPCEMU_GUEST_KTRACE "Build the embedded kernel with its own tracepoints (ktrace)" OFF)
set(IPCEMU_GUEST_KERNEL_DEFINES)
if(IPCEMU_GUEST_KTRACE)
    set(IPCEMU_GUEST_KERNEL_DEFINES IPCEMU_KTRACE)
    add_compile_definitions(IPCEMU_GUEST_KTRACE=1)
endif()

foreach(arch ${IPCEMU_GUEST_ARCHES})
    set(a guest-kernel/arch/${arch})
    ipcemu_guest_elf(${arch} kernel
        KERNEL ${a}/entry.S ${a}/trap.S ${a}/arch.c ${a}/mmu.c ${IPCEMU_KERNEL_SOURCES} ${a}/smp.c
        USER ${a}/usys.S ${IPCEMU_USER_SOURCES}
        CHECK guest-kernel/kphases_check.c guest-kernel/kprobes_check.c
        DEFINES ${IPCEMU_GUEST_KERNEL_DEFINES})
    ipcemu_guest_elf(${arch} kernel-ktrace
        KERNEL ${a}/entry.S ${a}/trap.S ${a}/arch.c ${a}/mmu.c ${IPCEMU_KERNEL_SOURCES} ${a}/smp.c
        USER ${a}/usys.S ${IPCEMU_USER_SOURCES}
        DEFINES IPCEMU_KTRACE)
    foreach(prog sum bkpt spin bench mix chain-add8 chain-add16 chain-mul8 chain-mul16 chain-div8
                 chain-div16 chain-load8 chain-load16 ring-16k ring-64k ring-4m branch-random
                 branch-fixed flood probe pingpong work)
        ipcemu_guest_bare(${arch} exec-${prog} tests/exec/${prog}.c)
    endforeach()
    ipcemu_guest_elf(${arch} selftest
        KERNEL ${a}/entry.S ${a}/trap.S ${a}/arch.c ${a}/mmu.c ${a}/selftest.c
        USER ${a}/usys.S)
endforeach()

# Students' programs (docs/scenarios.md, "Students' programs"): `ipcemu
# run` compiles them at run time against build/guest/<arch>/student/, the
# student SDK: libipcemu.a (the user library, lib.c and student.c), student.ld,
# and `cflags`, the compiler's flags one a line (the guest's, without -g
# and -Werror, and the include directories of ipcemu.h). ipcemu finds the
# SDK at IPCEMU_STUDENT_SDK (this build's guest/ directory) unless the
# environment's IPCEMU_SDK names another.
set(IPCEMU_STUDENT_SOURCES guest-kernel/user/ulib.c guest-kernel/user/chan.c
    guest-kernel/user/posix.c guest-kernel/lib.c guest-kernel/student/student.c)
foreach(arch ${IPCEMU_GUEST_ARCHES})
    set(sdk ${CMAKE_BINARY_DIR}/guest/${arch}/student)
    ipcemu_guest_objects(sobjs ${arch} student guest-kernel/arch/${arch}/usys.S
        ${IPCEMU_STUDENT_SOURCES})
    set(flags ${IPCEMU_GUEST_CFLAGS_COMMON} ${IPCEMU_GUEST_CFLAGS_${arch}}
        -I${CMAKE_SOURCE_DIR}/guest-kernel/student -I${CMAKE_SOURCE_DIR}/guest-kernel
        -I${CMAKE_SOURCE_DIR})
    list(REMOVE_ITEM flags -g -Werror)
    list(APPEND flags -g0)
    string(REPLACE ";" "\n" flags "${flags}")
    file(GENERATE OUTPUT ${sdk}/cflags CONTENT "${flags}\n")
    add_custom_command(
        OUTPUT ${sdk}/libipcemu.a ${sdk}/student.ld
        COMMAND ${CMAKE_COMMAND} -E rm -f ${sdk}/libipcemu.a
        COMMAND ${IPCEMU_GUEST_AR} rcs ${sdk}/libipcemu.a ${sobjs}
        COMMAND ${CMAKE_COMMAND} -E copy ${CMAKE_SOURCE_DIR}/guest-kernel/student/student.ld
                ${sdk}/student.ld
        DEPENDS ${sobjs} ${CMAKE_SOURCE_DIR}/guest-kernel/student/student.ld
        COMMENT "guest ${arch}: the student SDK"
        VERBATIM)
    set_property(GLOBAL APPEND PROPERTY IPCEMU_GUEST_ELFS ${sdk}/libipcemu.a)
endforeach()

get_property(IPCEMU_GUEST_ELFS GLOBAL PROPERTY IPCEMU_GUEST_ELFS)
get_property(IPCEMU_GUEST_CHECKS GLOBAL PROPERTY IPCEMU_GUEST_CHECKS)
add_custom_target(guest ALL DEPENDS ${IPCEMU_GUEST_ELFS} ${IPCEMU_GUEST_CHECKS})

# The images, embedded: ipcemu_img_<arch>_<name>_start / _end.
set(IPCEMU_IMAGES_S ${CMAKE_BINARY_DIR}/guest/images.S)
set(body "/* generated by cmake/Guest.cmake */\n\t.section .rodata\n")
foreach(arch ${IPCEMU_GUEST_ARCHES})
    foreach(name kernel selftest)
        set(sym ipcemu_img_${arch}_${name})
        string(APPEND body "\t.balign 16\n\t.global ${sym}_start\n\t.global ${sym}_end\n"
               "${sym}_start:\n\t.incbin \"${CMAKE_BINARY_DIR}/guest/${arch}/${name}.elf\"\n"
               "${sym}_end:\n")
    endforeach()
endforeach()
string(APPEND body "\t.section .note.GNU-stack,\"\",@progbits\n")
file(GENERATE OUTPUT ${IPCEMU_IMAGES_S} CONTENT "${body}")
set_source_files_properties(${IPCEMU_IMAGES_S} PROPERTIES OBJECT_DEPENDS "${IPCEMU_GUEST_ELFS}")
