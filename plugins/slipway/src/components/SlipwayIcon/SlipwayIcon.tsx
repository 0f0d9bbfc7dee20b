import SvgIcon, { SvgIconProps } from '@material-ui/core/SvgIcon';

/**
 * Slipway's icon: a boat resting on a launch ramp.
 *
 * @public
 */
export const SlipwayIcon = (props: SvgIconProps) => (
  <SvgIcon {...props}>
    <path d="M11 3 5 12h6z" />
    <path d="M12.5 5v7H17z" />
    <path d="M3 13.5h18L18 18H6z" />
    <path d="M2 20h20v1.5H2z" />
  </SvgIcon>
);
