// This file is part of OpenCV project.
// It is subject to the license terms in the LICENSE file found in the top-level directory
// of this distribution and at http://opencv.org/license.html.

#ifndef OPENCV_XAI_LAYER_GEOMETRY_HPP
#define OPENCV_XAI_LAYER_GEOMETRY_HPP

#include "opencv2/core.hpp"
#include "opencv2/dnn.hpp"

namespace cv {
namespace xai {

//! @addtogroup xai
//! @{

/** @brief Where the cells of a layer's output lie on the network input: cell (r, c) is centred on
the input pixel \f$(s_x c + o_x, s_y r + o_y)\f$ (pixel centres at integer coordinates).

A convolution or pooling window of size \f$k\f$, stride \f$t\f$ and leading padding \f$p\f$ (dilation
\f$d\f$) centres its output cell \f$r\f$ on input cell \f$t r - p + d (k - 1) / 2\f$; composed along the
path from the input, this gives the layer's true stride and offset. SqueezeNet 1.1's last Fire
module has \f$s = 16\f$, \f$o = 15\f$ (13 cells over 224 pixels), ResNet's last block \f$s = 32\f$,
\f$o = 0\f$: neither is the convention of cv::resize, which puts cell \f$c\f$ of a \f$w\f$-cell grid
on \f$(c + 0.5) W / w - 0.5\f$, up to half a cell from where the network has it.
*/
struct CV_EXPORTS_W_SIMPLE LayerGeometry
{
    //! The geometry of no layer: stride 0 (see isValid()).
    CV_WRAP LayerGeometry();

    //! Input pixels from one cell's centre to the next, along x and y.
    CV_PROP_RW Point2d stride;
    //! Input pixel coordinate of the centre of cell (0, 0).
    CV_PROP_RW Point2d offset;
    /** True when found from the layers' parameters; false for the cv::resize convention
        (resizeGeometry()), which stands in where the path holds a layer of unknown geometry. */
    CV_PROP_RW bool fromLayers;

    //! Whether both strides are positive.
    CV_WRAP bool isValid() const;
    //! Whether both strides and offsets are whole pixels (shift-and-stitch needs it).
    CV_WRAP bool isWholePixel() const;
};

/** @brief The cv::resize convention for a grid upsampled to a frame: stride \f$W / w\f$, offset
\f$(W / w - 1) / 2\f$; fromLayers is false. */
CV_EXPORTS_W LayerGeometry resizeGeometry(Size frame, Size grid);

/** @brief The true stride and offset of a layer's output on the network input, from the layers'
parameters along every path from the input to it.

Convolution and pooling windows (explicit padding) move the cells; element-wise layers (activations,
batch normalisation, scaling, sums, concatenation over channels, ...) keep them. Every path must
agree (a Fire module's 1x1 and 3x3 branches do).
@param net the network.
@param layer the layer's name as cv::dnn::Net::getLayerNames reports it.
@param geometry the geometry found.
@return false (geometry untouched) when a layer on a path changes the grid in a way not known here
(a resize, an explicit padding layer, "SAME" padding, a reshape) or the paths disagree.
*/
CV_EXPORTS_W bool findLayerGeometry(const dnn::Net& net, const String& layer, CV_OUT LayerGeometry& geometry);

/** @brief Measures a layer's stride by forwarding whole-pixel shifts of an image: the smallest shift
\f$d\f$ along an axis under which the interior of the layer's output moves by exactly one cell.

Independent of the layers' parameters, so the two can be checked against each other.
@param net the network.
@param layer the layer's name.
@param blob a network input, N = 1 (a natural image: a flat one moves nothing).
@param maxStride the largest stride tried.
@return the stride along x and y; 0 along an axis where no shift up to maxStride moved the output
by one cell (for example a layer whose padding makes it not shift-equivariant).
*/
CV_EXPORTS_W Point measureLayerStride(dnn::Net net, const String& layer, InputArray blob, int maxStride = 64);

/** @brief Upsamples a map of a layer's grid to the frame, each cell placed at its centre: bilinear
between cell centres, constant beyond the outermost ones.

With resizeGeometry(), or a geometry equal to it (a net whose stride divides the frame and
whose windows are centred in their cells), this is cv::resize with cv::INTER_LINEAR, computed by it.
@param lowRes CV_32FC1 map, one value per cell.
@param geometry where the cells lie.
@param frame size of the frame.
@param map CV_32FC1 map of the frame's size.
*/
CV_EXPORTS_W void upsampleToFrame(InputArray lowRes, const LayerGeometry& geometry, Size frame, OutputArray map);

//! @}

}} // namespace cv::xai

#endif // OPENCV_XAI_LAYER_GEOMETRY_HPP
