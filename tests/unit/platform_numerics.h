// The two DLA arithmetics the tests run, as the platform data states them (hw::Platform::numerics).
#pragma once
#include "hwmodels/platform.h"

namespace testnum {

inline const kern::DlaNumerics& xavier() {
  return hw::platformById("xavier-agx").numerics;
}
inline const kern::DlaNumerics& orin() {
  return hw::platformById("orin-agx").numerics;
}

}  // namespace testnum
