# The SDK as users install it: every module's objects in one library, shared
# (libdeltaglider.so) and static (libdeltaglider.a), with the public headers
# (include/deltaglider/), a CMake package (find_package(deltaglider)) and a
# pkg-config file. `cmake --install BUILD --prefix DIR` puts them under DIR.
include(GNUInstallDirs)

set(DG_SDK_MODULES dg_client dg_util dg_core dg_posix dg_memory dg_fs dg_cache dg_s3 dg_deflate dg_codec
                   dg_vcdiff dg_xdelta3)
set(DG_SDK_OBJECTS)
foreach(module IN LISTS DG_SDK_MODULES)
  list(APPEND DG_SDK_OBJECTS $<TARGET_OBJECTS:${module}>)
endforeach()
set(DG_SDK_SYSTEM_LIBS PkgConfig::ZSTD ZLIB::ZLIB PkgConfig::LZMA OpenSSL::Crypto CURL::libcurl
                       Threads::Threads)

add_library(deltaglider_shared SHARED ${DG_SDK_OBJECTS})
target_link_libraries(deltaglider_shared PRIVATE ${DG_SDK_SYSTEM_LIBS})
set_target_properties(deltaglider_shared PROPERTIES OUTPUT_NAME deltaglider EXPORT_NAME deltaglider
                                                    VERSION ${PROJECT_VERSION} SOVERSION 0)

add_library(deltaglider_static STATIC ${DG_SDK_OBJECTS})
target_link_libraries(deltaglider_static PRIVATE ${DG_SDK_SYSTEM_LIBS})
set_target_properties(deltaglider_static PROPERTIES OUTPUT_NAME deltaglider)

foreach(lib deltaglider_shared deltaglider_static)
  target_include_directories(${lib} PUBLIC $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include>
                                           $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
  target_compile_features(${lib} PUBLIC cxx_std_20)
endforeach()

install(TARGETS deltaglider_shared deltaglider_static EXPORT deltaglider-targets
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(DIRECTORY include/deltaglider DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT deltaglider-targets NAMESPACE deltaglider::
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/deltaglider)
configure_file(cmake/deltaglider-config.cmake.in deltaglider-config.cmake @ONLY)
include(CMakePackageConfigHelpers)
write_basic_package_version_file(deltaglider-config-version.cmake COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/deltaglider-config.cmake
              ${CMAKE_CURRENT_BINARY_DIR}/deltaglider-config-version.cmake
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/deltaglider)
configure_file(cmake/deltaglider.pc.in deltaglider.pc @ONLY)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/deltaglider.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

# The example, built against the installed package (shared, static and through
# pkg-config) and run: proves the package is whole. Not under the sanitizers,
# whose runtime the example would not link.
if(DG_BUILD_TESTS AND NOT DG_SANITIZE AND NOT DG_TSAN)
  add_test(NAME sdk_installed_example
           COMMAND ${PROJECT_SOURCE_DIR}/scripts/check-sdk-install.sh ${CMAKE_BINARY_DIR})
  set_tests_properties(sdk_installed_example PROPERTIES TIMEOUT 600)
endif()
