import { corpusTests } from './corpus';

corpusTests('pc');
