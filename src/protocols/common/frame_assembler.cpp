// FrameAssembler is a template (the framer is inlined into the hot loop); see frame_assembler.hpp.
#include "normwatch/protocols/common/frame_assembler.hpp"
