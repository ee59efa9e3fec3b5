// Turns the user's endpoint choice into a Storage: `--endpoint-url`, else
// $AWS_ENDPOINT_URL_S3, else $AWS_ENDPOINT_URL. `file:///abs/dir`, `file://rel/dir`
// and plain paths open a local directory store; http(s):// an S3 server (path
// style), signed with $AWS_ACCESS_KEY_ID/$AWS_SECRET_ACCESS_KEY[/$AWS_SESSION_TOKEN]
// in $AWS_REGION or $AWS_DEFAULT_REGION.
#pragma once

#include <memory>
#include <string>

#include "deltaglider/ports/object_store.h"

namespace deltaglider::cli {

// The endpoint URL in effect ("" if none was given anywhere).
std::string ResolveEndpointUrl(const std::string& flag);

// kInvalidArgument when no endpoint is configured; kUnsupported for schemes this
// build cannot reach.
Result<std::unique_ptr<Storage>> OpenStorage(const std::string& endpoint_url);

}  // namespace deltaglider::cli
