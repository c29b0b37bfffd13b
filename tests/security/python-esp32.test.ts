import { corpusTests } from './corpus';

corpusTests('esp32');
