// The AWS credential chain (ResolveCredentials / ResolveSettings in
// include/deltaglider/s3.h) and the pieces of it that deserve their own unit
// tests: the INI reader for ~/.aws/{credentials,config}, the splitting of a
// `credential_process` command line, and the JSON the credential endpoints and
// processes answer with. Everything here reads hostile input: every malformed
// file or answer is an Error, never a crash; inputs are size-capped.
// Thread-safe: no shared state (ResolveCredentials may run a process and make
// HTTP requests).
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "deltaglider/result.h"
#include "deltaglider/s3.h"

namespace deltaglider::s3 {

inline constexpr size_t kMaxIniBytes = 1 << 20;
inline constexpr size_t kMaxCredentialAnswerBytes = 64 * 1024;

// section -> key -> value. Keys are lower-cased, names and values trimmed.
// An indented "  key = value" after "parent =" (the aws CLI's nested form, e.g.
// "s3 =\n  addressing_style = path") is stored as "parent.key".
using IniSections = std::map<std::string, std::map<std::string, std::string>>;

// Reads the aws CLI's INI dialect: "[section]", "key = value" or "key: value",
// whole-line comments starting with '#' or ';'. A later duplicate wins.
// kCorrupted naming `origin` and the line for a bad section header, a line
// without '=' or ':', or a key before the first section.
Result<IniSections> ParseIni(std::string_view text, std::string_view origin);

// Splits a credential_process command like a POSIX shell does words: blanks
// separate, '...' is literal, "..." keeps blanks and honours \" and \\, a
// backslash elsewhere escapes the next character. No expansions.
// kInvalidArgument for an unterminated quote or an empty command.
Result<std::vector<std::string>> SplitCommand(std::string_view command);

// The container credential URL: "http://169.254.170.2" + `relative_uri` when that
// is set, else `full_uri`, which must be https, or http to a loopback address or
// the ECS/EKS ones (169.254.170.2, 169.254.170.23, fd00:ec2::23), as the aws CLI
// requires. kInvalidArgument otherwise.
Result<std::string> ContainerCredentialsUrl(std::string_view relative_uri,
                                            std::string_view full_uri);

// Parses the credentials JSON of a credential_process (`process` true: needs
// "Version": 1, reads AccessKeyId/SecretAccessKey/SessionToken/Expiration) or of
// the container and EC2 endpoints (AccessKeyId/SecretAccessKey/Token/Expiration;
// a "Code" other than "Success" is an error). kCorrupted naming `origin` when
// malformed or incomplete.
Result<AwsCredentials> ParseCredentialJson(std::string_view json, std::string_view origin,
                                           bool process);

}  // namespace deltaglider::s3
