#pragma once
/// @file How LibTorch's OpenMP threads wait for work. libgomp reads OMP_WAIT_POLICY once, in its
/// own constructor before main(), so a program cannot change it for itself; what it can do is
/// ask for no more threads than there are free cores (setTorchThreads(0) does), and say how
/// the policy stands. Torch-free header.

#include <string>

namespace cw::ml {

/// "<value> (from OMP_WAIT_POLICY)" or "libgomp's default (spin briefly, then sleep); export
/// OMP_WAIT_POLICY=PASSIVE on a shared machine".
std::string openMpWaitPolicy();

}  // namespace cw::ml
