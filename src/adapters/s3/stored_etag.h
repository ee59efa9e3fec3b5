// The ETag S3 answers for an object written from known bytes, so that a writer
// can tell whether the server stored what was sent: the hex MD5 of the body for
// PutObject (without SSE-KMS or SSE-C), and for a multipart upload the hex MD5 of
// the parts' binary MD5s, "-", the number of parts. Servers with encryption (S3
// with KMS, some S3-compatible stores) answer ETags of the same shape that are
// not these digests, so a mismatch alone proves nothing.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace deltaglider::s3 {

// True for 32 lower-case hex digits, optionally followed by "-" and a part count.
bool IsMd5Etag(std::string_view etag);

// The ETag of a multipart upload whose parts have these raw 16-byte MD5s, in order.
std::string MultipartEtag(const std::vector<std::string>& part_md5s);

}  // namespace deltaglider::s3
