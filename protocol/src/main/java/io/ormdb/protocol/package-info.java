/** The types every ORMDB module speaks: errors here, model types in the sub-packages. */
package io.ormdb.protocol;
