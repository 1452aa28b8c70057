/* The umbrella header of libimgproc: include only this one. */
#pragma once

#define IMGPROC_INSIDE
#include "imgproc-version.h"
#include "imgproc-enums.h"
#include "imgproc-image-error.h"
#include "imgproc-image-info.h"
#include "imgproc-rendition.h"
#include "imgproc-resizer.h"
#undef IMGPROC_INSIDE
