// Executes one VCDIFF window: runs the instruction section (default code table,
// near/same address cache) over the data and address sections to produce the
// window's target bytes. It sees only decoded section bytes and the window's
// source segment; it must never read or write outside them, and any instruction
// or address that does not fit is kCorrupted.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "deltaglider/result.h"

namespace deltaglider::vcdiff {

// The three (already decompressed) sections of a window.
struct WindowSections {
  std::span<const std::byte> data;
  std::span<const std::byte> inst;
  std::span<const std::byte> addr;
};

// Replaces `out` with the `target_length` bytes the window produces. COPY
// addresses below source.size() read the source segment; higher ones read this
// window's own earlier output (overlapping copies repeat, as RFC 3284 requires).
// Fails unless the instructions produce exactly `target_length` bytes and use up
// the data and address sections.
Status ExecuteWindow(std::span<const std::byte> source, const WindowSections& sections,
                     uint32_t target_length, std::vector<std::byte>& out);

}  // namespace deltaglider::vcdiff
