// A ResNet-18-sized classifier built in code (random weights), for speed measurements only.
#pragma once

#include <opencv2/dnn.hpp>

namespace xai_benchmark {

/** ResNet-18's layers, shapes and cost for a 224x224 input (BatchNorm folded into the convolutions'
    biases, as OpenCV fuses it at inference): 1.8 GFLOPs a forward, 11.7 M parameters, 1000 classes.
    The weights are random (He initialisation, fixed seed): the net is for timing, not for
    meaningful explanations. Its target layer is "layer4.1.relu2" (512 x 7 x 7). */
cv::dnn::Net makeResNet18(unsigned seed = 18);

} // namespace xai_benchmark
