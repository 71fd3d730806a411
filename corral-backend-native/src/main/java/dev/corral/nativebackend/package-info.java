@NullMarked
package dev.corral.nativebackend;

import org.jspecify.annotations.NullMarked;
