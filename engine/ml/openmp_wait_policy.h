#pragma once
/// @file How LibTorch's OpenMP threads wait for work. libgomp reads OMP_WAIT_POLICY once, in its
/// own constructor before main(), so a program cannot change it for itself: `cwb` sets PASSIVE
/// (unless the user set a policy) before it hands a command to cwb-torch, and marks that it
/// did. Programs also ask for no more threads than there are free cores (setTorchThreads(0)).
/// Torch-free header.

#include <string>

namespace cw::ml {

/// "passive (set by cwb before loading LibTorch)", "<value> (from OMP_WAIT_POLICY)" or
/// "libgomp's default (spin briefly, then sleep); export OMP_WAIT_POLICY=PASSIVE on a shared
/// machine" (the window and programs started without cwb).
std::string openMpWaitPolicy();

}  // namespace cw::ml
