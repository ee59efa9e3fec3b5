// Small ASCII text helpers shared by the core and the adapters (HTTP headers,
// AWS config files, file extensions). Locale-free on purpose: only 'A'-'Z'
// change case and only space, tab, CR and LF are blanks, whatever the process
// locale says. Nothing here knows about S3, files or the bucket format.
#pragma once

#include <string>
#include <string_view>

namespace deltaglider {

// `text` with 'A'-'Z' turned into 'a'-'z'; every other byte unchanged.
std::string AsciiLower(std::string_view text);

// True when every byte is printable ASCII (0x20-0x7e).
bool IsPrintableAscii(std::string_view text);

// The value of the hex digit `c` (either case), or -1 if it is not one.
int HexValue(char c);

// `text` without leading and trailing spaces, tabs, CRs and LFs.
std::string_view TrimBlanks(std::string_view text);

}  // namespace deltaglider
